package com.workestra.sharedmailboxes.m365emulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The auto-submitting page the authorize endpoint answers with for response_mode=form_post, read the way
 * a browser would: where it posts and which fields. Lets tests follow a sign-in without a browser.
 */
public record FormPostResponse(String action, Map<String, String> fields) {

    private static final Pattern FORM = Pattern.compile("<form[^>]*action=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile(
            "<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

    public static FormPostResponse parse(String html) {
        Matcher form = FORM.matcher(html);
        if (!form.find()) {
            throw new IllegalArgumentException("not a form_post page: " + html);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher input = INPUT.matcher(html);
        while (input.find()) {
            fields.put(Html.unescape(input.group(1)), Html.unescape(input.group(2)));
        }
        return new FormPostResponse(Html.unescape(form.group(1)), Map.copyOf(fields));
    }

    public String field(String name) {
        return fields.get(name);
    }

    public String code() {
        return fields.get("code");
    }

    public String state() {
        return fields.get("state");
    }

    public String error() {
        return fields.get("error");
    }

    public String errorDescription() {
        return fields.get("error_description");
    }
}
