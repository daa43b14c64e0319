package com.workestra.sharedmailboxes.messages.boundary;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of PUT /mailboxes/{address}/signature. */
public class SignatureInput {

    @Pattern(regexp = "(?i)text|html", message = "must be text or html")
    public String contentType;

    @NotNull
    @Size(max = 20_000)
    public String content;
}
