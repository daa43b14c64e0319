package com.workestra.sharedmailboxes.connections.control;

import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReturnUrlsTest {

    ReturnUrls urls = new ReturnUrls();

    {
        urls.publicBaseUrl = "https://mailboxes.workestra.example";
        urls.defaultReturnUrl = "/";
        urls.allowedOrigins = Optional.of("https://app.workestra.example, http://localhost:3000");
    }

    @Test
    void pathsOfThisServiceAndAllowedOriginsAreAccepted() {
        assertEquals("https://mailboxes.workestra.example/admin/outlook.xhtml", urls.validated("/admin/outlook.xhtml"));
        assertEquals("https://app.workestra.example/settings/integrations?tab=outlook",
                urls.validated("https://app.workestra.example/settings/integrations?tab=outlook"));
        assertEquals("http://localhost:3000/x", urls.validated("http://localhost:3000/x"));
        assertEquals("https://mailboxes.workestra.example/", urls.validated(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example/", "//evil.example/path", "javascript:alert(1)", "https://app.workestra.example.evil.example/",
            "http://app.workestra.example/", "relative/path", "https://app.workestra.example:8443/"})
    void everythingElseIsRefused(String url) {
        ServiceException refused = assertThrows(ServiceException.class, () -> urls.validated(url));
        assertEquals(ProblemCode.INVALID_REQUEST, refused.code());
    }

    @Test
    void resultsAreAppendedAsQueryParameters() {
        assertEquals("https://a.example/p?x=1&error=CONSENT_DENIED", urls.withParameter("https://a.example/p?x=1", "error", "CONSENT_DENIED").toString());
        assertEquals("https://a.example/p?connection=a%26b", urls.withParameter("https://a.example/p", "connection", "a&b").toString());
    }
}
