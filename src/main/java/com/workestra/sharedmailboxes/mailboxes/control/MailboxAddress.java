package com.workestra.sharedmailboxes.mailboxes.control;

import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;

import java.util.Locale;
import java.util.regex.Pattern;

/** A mailbox address as Exchange knows it (a UPN or primary SMTP address): local@domain, no display-name parts. */
public final class MailboxAddress {

    private static final Pattern ADDRESS = Pattern.compile(
            "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$");
    private static final int MAX_LENGTH = 254;

    private MailboxAddress() {
    }

    public static String valid(String address) {
        String trimmed = address == null ? "" : address.trim();
        if (trimmed.isEmpty() || trimmed.length() > MAX_LENGTH || !ADDRESS.matcher(trimmed).matches()
                || trimmed.substring(0, trimmed.indexOf('@')).length() > 64) {
            throw new ServiceException(ProblemCode.INVALID_ADDRESS,
                    "Enter the full email address (UPN) of the shared mailbox, for example support@acme.com.");
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }
}
