package com.workestra.sharedmailboxes.graph.control;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphFailureTest {

    @Test
    void aHiddenFolderReadsAsRejectedAccessNotAsAMissingMailbox() {
        for (String code : new String[]{"ErrorItemNotFound", "ErrorFolderNotFound", "erroritemnotfound"}) {
            GraphFailure hidden = new GraphFailure(404, code, null);
            assertTrue(hidden.isMailboxAccessDenied(), code);
            assertFalse(hidden.isMailboxNotFound(), code);
        }
        assertTrue(new GraphFailure(403, "ErrorAccessDenied", null).isMailboxAccessDenied());
    }

    @Test
    void anAddressWithoutAMailboxReadsAsNotFound() {
        for (String code : new String[]{"ErrorInvalidUser", "ResourceNotFound", "MailboxNotEnabledForRESTAPI", "Request_ResourceNotFound", ""}) {
            GraphFailure missing = new GraphFailure(404, code, null);
            assertTrue(missing.isMailboxNotFound(), code);
            assertFalse(missing.isMailboxAccessDenied(), code);
        }
    }

    @Test
    void aDeltaLinkGraphRefusesIsTreatedAsLostSyncState() {
        assertTrue(new GraphFailure(400, "ErrorInvalidSyncStateData", null).isSyncStateLost());
        assertTrue(new GraphFailure(410, "", null).isSyncStateLost());
        assertTrue(new GraphFailure(400, "ErrorInvalidUrlQuery", null).isRefusedRequest());
        assertFalse(new GraphFailure(401, "InvalidAuthenticationToken", null).isRefusedRequest());
        assertFalse(new GraphFailure(429, "ApplicationThrottled", null).isRefusedRequest());
        assertFalse(new GraphFailure(403, "ErrorAccessDenied", null).isRefusedRequest());
    }

    @Test
    void claimsChallengesAreDecodedForMsal() {
        String json = "{\"access_token\":{\"nbf\":{\"essential\":true,\"value\":\"1700000000\"}}}";
        String encoded = java.util.Base64.getEncoder().encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(json.equals(ClaimsChallenge.decode(encoded)));
        assertTrue(json.equals(ClaimsChallenge.decode(json)));
    }
}
