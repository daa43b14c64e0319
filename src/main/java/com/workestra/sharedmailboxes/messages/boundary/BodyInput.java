package com.workestra.sharedmailboxes.messages.boundary;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A message body: text or html. */
public class BodyInput {

    @Pattern(regexp = "(?i)text|html", message = "must be text or html")
    public String contentType;

    @NotNull
    @Size(max = 500_000)
    public String content;

    public String type() {
        return "html".equalsIgnoreCase(contentType) ? "html" : "text";
    }
}
