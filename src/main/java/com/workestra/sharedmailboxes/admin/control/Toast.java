package com.workestra.sharedmailboxes.admin.control;

import java.io.Serializable;

/** A short message after an action: a confirmation, or the reason it failed (announced at once). */
public record Toast(String text, boolean failure) implements Serializable {

    public static Toast ok(String text) {
        return new Toast(text, false);
    }

    public static Toast failed(String text) {
        return new Toast(text, true);
    }
}
