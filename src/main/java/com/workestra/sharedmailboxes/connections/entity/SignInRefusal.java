package com.workestra.sharedmailboxes.connections.entity;

import java.util.Arrays;

/**
 * Why an Outlook sign-in ended without a connection: the stable {@code ?error=} code the callback sends the browser
 * back with, and the sentence a person can act on ({@code ?error_description=}). Nothing is stored for any of them.
 */
public enum SignInRefusal {
    STATE_INVALID("This Microsoft sign-in was already used or is unknown, so nothing was connected. Start again with Connect."),
    STATE_EXPIRED("The Microsoft sign-in took too long, so nothing was connected. Start again with Connect."),
    BROWSER_MISMATCH("This Microsoft sign-in was started by someone else or in another browser, so nothing was connected."
            + " To connect your Outlook account, click Connect in Workestra yourself and finish the sign-in in the same browser."),
    CONSENT_DENIED("You cancelled the Microsoft sign-in, so nothing was connected. Start again with Connect."),
    AUTHORIZATION_FAILED("Microsoft did not complete the sign-in, so nothing was connected. Start again with Connect."),
    SIGN_IN_FAILED("Microsoft's sign-in could not be completed, so nothing was connected. Start again with Connect in a moment."),
    TENANT_NOT_ALLOWED("This Microsoft account belongs to an organisation your Workestra workspace does not accept, so nothing"
            + " was connected. Sign in with your organisation's work account, or ask your Workestra administrator to allow"
            + " this organisation."),
    OUTLOOK_NOT_CONFIGURED("The Outlook integration is not configured on this server yet. Ask your Workestra administrator.");

    private final String sentence;

    SignInRefusal(String sentence) {
        this.sentence = sentence;
    }

    public String sentence() {
        return sentence;
    }

    /** The sentence for a code the browser came back with; Microsoft's generic one for a code this service never sends. */
    public static String sentenceFor(String code) {
        return Arrays.stream(values()).filter(refusal -> refusal.name().equals(code)).findFirst()
                .orElse(AUTHORIZATION_FAILED).sentence();
    }
}
