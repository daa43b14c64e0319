package com.workestra.sharedmailboxes.admin.control;

import java.io.Serializable;

/**
 * A short message after an action: a confirmation, or the reason it failed (announced at once). The next action
 * replaces it. A confirmation dismisses itself after a few seconds; a failure stays until the person closes it.
 */
public record Toast(String text, boolean failure) implements Serializable {

    static final long CONFIRMATION_SHOWN_MILLIS = 8000;

    public static Toast ok(String text) {
        return new Toast(text, false);
    }

    public static Toast failed(String text) {
        return new Toast(text, true);
    }

    /** How long the page shows it before it goes by itself; 0: until closed. */
    public long dismissAfterMillis() {
        return failure ? 0 : CONFIRMATION_SHOWN_MILLIS;
    }
}
