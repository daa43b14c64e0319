package com.workestra.sharedmailboxes.problems.boundary;

import java.io.IOException;

/** Thrown while reading a body without a declared length that grows past the configured limit. */
class RequestTooLarge extends IOException {
    RequestTooLarge(long limit) {
        super("The request body is larger than " + limit + " bytes.");
    }
}
