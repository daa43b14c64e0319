package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.it.TestWorkspace.ConsolePerson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real headless Chromium, walked as PRODUCT.md describes it: sign in at Workestra's identity
 * provider, Settings → Integrations → Outlook (Connect through Microsoft's sign-in page, Add shared mailbox, its errors,
 * the disabled button, Sync now, the trash icon), the admins' health page, and the safety promises. Screenshots of
 * each page go to target/screenshots.
 */
class ConsoleBrowserIT extends ServiceIT {

    static final Set<String> LEGACY_SCOPES = Set.of("openid", "profile", "offline_access", "User.Read", "Mail.ReadWrite", "Mail.Send");

    static Browser browser;

    String console;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void setUp() {
        console = "https://127.0.0.1:" + System.getProperty("it.https.port");
        browser.open(console + "/admin/signed-out.xhtml");
        browser.forgetCookies();
    }

    @AfterEach
    void releaseBackgroundWork() {
        controls.releaseBackgroundWork();
    }

    @Test
    void aPersonSignsInConnectsOutlookAddsASharedMailboxAndWatchesNeverSyncedTurnHealthy() {
        ConsolePerson alice = workspace.consolePerson("alice", false);
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());

        browser.open(console + "/admin/outlook.xhtml");
        browser.signInAtEmulator(alice.login(), "01-workestra-sign-in");
        awaitPage("/admin/outlook.xhtml");
        assertTrue(browser.find(By.id("signed-in-as")).getText().contains("Person alice"));
        assertTrue(browser.text().contains("No Outlook account is connected yet"), browser.text());
        assertFalse(browser.has(By.linkText("Mailbox health")), "members get no link to the admins' page");
        browser.screenshot("02-outlook-not-connected");

        connectOutlook(alice, "03-microsoft-sign-in");
        assertTrue(browser.find(By.id("notice")).getText().contains("Your Outlook account " + alice.microsoft().upn() + " is connected"));
        WebElement personal = row(alice.microsoft().upn());
        assertEquals("personal", personal.getAttribute("data-kind"));
        browser.screenshot("04-outlook-connected");

        openAddForm(alice.microsoft().upn());
        browser.screenshot("05-add-shared-mailbox-form");
        // Background work held while the mailbox is added: the page shows it before its first sync has run.
        controls.holdBackgroundWork();
        try {
            submitAddress(support.toUpperCase());
            browser.await(d -> browser.has(rowBy(support)));
            WebElement shared = row(support);
            assertEquals("shared", shared.getAttribute("data-kind"));
            assertEquals("Shared", shared.findElement(By.cssSelector(".tag")).getText());
            assertTrue(browser.find(By.id("toast")).getText().contains(support + " was added"));
            assertEquals("never_synced", shared.getAttribute("data-badge"));
            assertEquals("Never synced", shared.findElement(By.cssSelector(".badge")).getText());
            assertTrue(shared.getText().contains("Polling"), "delivery is shown: " + shared.getText());
            browser.screenshot("06-shared-mailbox-never-synced");
            browser.script("window.stillTheSamePage = true;");
        } finally {
            controls.releaseBackgroundWork();
        }

        // The first sync runs while the page is open: the badge turns Healthy without a reload.
        browser.await(d -> "healthy".equals(row(support).getAttribute("data-badge")), Duration.ofSeconds(60));
        assertEquals(Boolean.TRUE, browser.script("return window.stillTheSamePage === true;"), "no reload happened");
        assertEquals("Healthy", row(support).findElement(By.cssSelector(".badge")).getText());
        browser.screenshot("07-shared-mailbox-healthy");

        // The same person through the REST API with their token sees the same connections.
        JsonNode api = alice.api().get("/api/v1/outlook/connections").json();
        List<String> addresses = new ArrayList<>();
        api.forEach(connection -> addresses.add(connection.get("address").asText()));
        assertEquals(List.of(alice.microsoft().upn(), support), addresses);
        // ... and what the API adds shows up in the console.
        String sales = workspace.sharedMailbox("sales");
        workspace.tenant.grantFullAccess(sales, alice.microsoft().upn());
        alice.asApiPerson().addSharedOk(connectionId(alice.userId(), alice.microsoft().upn()), sales);
        browser.open(console + "/admin/outlook.xhtml");
        assertTrue(browser.has(rowBy(sales)));
    }

    @Test
    void aMailboxWithoutAccessOrThatDoesNotExistShowsTheProductsSentenceInline() {
        ConsolePerson carol = workspace.consolePerson("carol", false);
        String noAccess = workspace.sharedMailbox("sales");
        signIn(carol);
        connectOutlook(carol, null);

        openAddForm(carol.microsoft().upn());
        submitAddress(noAccess);
        String refused = browser.await(d -> browser.find(By.id(addError())).getText());
        assertTrue(refused.contains("Microsoft rejected access to this mailbox"), refused);
        assertTrue(refused.contains("60 minutes"), refused);
        assertEquals(noAccess, browser.find(By.cssSelector("tr.add-row input[type='text']")).getAttribute("value"),
                "the typed address stays for a retry");
        browser.screenshot("08-add-shared-mailbox-403");

        String nobody = workspace.address("nobody");
        browser.find(By.cssSelector("tr.add-row input[type='text']")).clear();
        submitAddress(nobody);
        String notFound = browser.find(By.id(addError())).getText();
        assertTrue(notFound.contains("Microsoft 365 could not find a mailbox at"), notFound);

        browser.find(By.cssSelector("tr.add-row input[type='text']")).clear();
        submitAddress("not an address");
        assertFalse(browser.find(By.id(addError())).getText().isBlank());
        assertEquals(1, browser.all(By.cssSelector("tr.connection")).size(), "nothing was added");

        // What an operator graphs: Graph's refusals by status and code, connections per badge.
        String metrics = ApiClient.at(base).get("/metrics").body();
        assertTrue(metrics.matches("(?s).*graph_errors_total\\{[^}]*code=\"ErrorItemNotFound\"[^}]*} [1-9].*"),
                "graph errors by code: Exchange hid the Inbox from someone without Full Access");
        assertTrue(metrics.matches("(?s).*graph_errors_total\\{[^}]*status=\"404\"[^}]*} [1-9].*"), "graph errors by code");
        for (String badge : List.of("healthy", "never_synced", "stale", "error")) {
            assertTrue(metrics.contains("connections{badge=\"" + badge + "\""), "connections per badge: " + badge);
        }
    }

    @Test
    void aConnectionAuthorisedBeforeSharedAccessShowsTheDisabledButtonWithItsReason() {
        ConsolePerson dave = workspace.consolePerson("dave", false);
        workspace.tenant.setConsentPolicy(dave.microsoft().upn(), LEGACY_SCOPES);
        signIn(dave);
        connectOutlook(dave, null);

        WebElement button = browser.find(By.cssSelector("tr.add-row button[data-action='add-shared']"));
        assertFalse(button.isEnabled());
        assertEquals("Add shared mailbox", button.getText());
        String tooltip = button.getAttribute("title");
        assertTrue(tooltip.contains("This Outlook connection was authorised before shared-mailbox access was available"), tooltip);
        WebElement hint = browser.find(By.id(button.getAttribute("aria-describedby")));
        assertTrue(hint.isDisplayed());
        assertEquals(tooltip, hint.getText());
        browser.screenshot("09-legacy-connection-disabled-button");
    }

    @Test
    void syncNowRemovingASharedMailboxAndDisconnectingThePersonalOne() {
        ConsolePerson erin = workspace.consolePerson("erin", false);
        String support = workspace.sharedMailbox("support");
        String careers = workspace.sharedMailbox("careers");
        workspace.tenant.grantFullAccess(support, erin.microsoft().upn());
        workspace.tenant.grantFullAccess(careers, erin.microsoft().upn());
        signIn(erin);
        connectOutlook(erin, null);
        UUID personalId = connectionId(erin.userId(), erin.microsoft().upn());
        erin.asApiPerson().addSharedOk(personalId, support);
        erin.asApiPerson().addSharedOk(personalId, careers);
        browser.open(console + "/admin/outlook.xhtml");

        browser.submit(row(support).findElement(By.cssSelector("[data-action='sync-now']")));
        assertTrue(browser.find(By.id("toast")).getText().contains("Sync requested for " + support));

        // Sync now on a row that is gone meanwhile (removed elsewhere): the toast says why.
        UUID careersId = connectionId(erin.userId(), careers);
        assertEquals(204, erin.api().delete("/api/v1/outlook/connections/" + careersId).status());
        browser.submit(row(careers).findElement(By.cssSelector("[data-action='sync-now']")));
        WebElement failed = browser.find(By.id("toast"));
        assertTrue(failed.getAttribute("class").contains("toast-error"));
        assertEquals("alert", failed.getAttribute("role"));
        assertTrue(failed.getText().startsWith("Sync now failed for " + careers), failed.getText());
        browser.screenshot("10-sync-now-failed-toast");
        assertFalse(browser.has(rowBy(careers)));

        // The trash icon on the shared row, with the keyboard: confirm, and the personal connection stays.
        browser.submitWithEnter(row(support).findElement(By.cssSelector("[data-action='remove']")));
        WebElement confirm = browser.await(d -> browser.find(By.cssSelector("[data-action='confirm-remove']")));
        assertTrue(browser.find(By.cssSelector(".confirm-text")).getText().contains("your personal Outlook connection is untouched"));
        assertEquals("Remove shared mailbox", confirm.getAttribute("value"));
        assertEquals(confirm, browser.driver().switchTo().activeElement(), "focus moves to the confirmation");
        browser.screenshot("11-confirm-remove-shared-mailbox");
        browser.submitWithEnter(browser.driver().switchTo().activeElement());
        browser.await(d -> !browser.has(rowBy(support)));
        assertTrue(browser.has(rowBy(erin.microsoft().upn())));
        assertEquals(1, erin.api().get("/api/v1/outlook/connections").json().size());

        // The personal row's confirmation says its shared mailboxes go too; then they do.
        String sales = workspace.sharedMailbox("sales");
        workspace.tenant.grantFullAccess(sales, erin.microsoft().upn());
        erin.asApiPerson().addSharedOk(personalId, sales);
        browser.open(console + "/admin/outlook.xhtml");
        browser.submit(row(erin.microsoft().upn()).findElement(By.cssSelector("[data-action='remove']")));
        String warning = browser.find(By.cssSelector(".confirm-text")).getText();
        assertTrue(warning.contains("The shared mailboxes you added through it go too"), warning);
        assertTrue(warning.contains(sales), warning);
        assertEquals("Disconnect", browser.find(By.cssSelector("[data-action='confirm-remove']")).getAttribute("value"));
        browser.screenshot("12-confirm-disconnect-personal");
        browser.submit(browser.find(By.cssSelector("[data-action='confirm-remove']")));
        browser.await(d -> browser.text().contains("No Outlook account is connected yet"));
        assertTrue(browser.find(By.id("toast")).getText().contains("and with it the shared mailboxes " + sales));
        assertEquals(0, erin.api().get("/api/v1/outlook/connections").json().size());
        assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE user_id = ? AND action = 'DISCONNECTED'", erin.userId()));
    }

    @Test
    void aMailboxNotSyncedForADayShowsStaleAndItsSyncNowButtonMakesItHealthyAgain() {
        ConsolePerson hugo = workspace.consolePerson("hugo", false);
        String support = grantedMailbox(hugo, "support");
        signIn(hugo);
        connectOutlook(hugo, null);
        UUID personal = connectionId(hugo.userId(), hugo.microsoft().upn());
        UUID shared = hugo.asApiPerson().addSharedOk(personal, support);
        for (UUID id : List.of(personal, shared)) {
            awaitBadge(hugo, id, "healthy");
        }
        try {
            // 26 hours pass without a sync (background work held), as when syncs stopped happening.
            controls.holdBackgroundWork();
            controls.advanceClock(Duration.ofHours(26));
            browser.open(console + "/admin/outlook.xhtml");
            assertEquals("stale", row(support).getAttribute("data-badge"));
            assertEquals("Stale", row(support).findElement(By.cssSelector(".badge")).getText());
            browser.screenshot("18-shared-mailbox-stale");

            browser.submit(row(support).findElement(By.cssSelector("[data-action='sync-now']")));
            assertTrue(browser.find(By.id("toast")).getText().contains("Sync requested for " + support));
            assertEquals("stale", row(support).getAttribute("data-badge"), "until the sync has run");
            controls.releaseBackgroundWork();

            // The list refreshes itself only while a row is Never synced: look again as a person would, by reloading.
            String badge = Await.until("Healthy on the page", () -> {
                browser.open(console + "/admin/outlook.xhtml");
                return row(support).getAttribute("data-badge");
            }, "healthy"::equals, Duration.ofSeconds(60));
            assertEquals("healthy", badge);
            assertEquals("Healthy", row(support).findElement(By.cssSelector(".badge")).getText());
            browser.screenshot("19-shared-mailbox-healthy-again");
        } finally {
            controls.backToRealTime();
        }
    }

    @Test
    void anAdminSeesEveryBadgeOfTheWorkspaceWithMarkupShownAsTextFiltersAndTheAuditTrail() {
        // bob's Microsoft account has markup in its display name: the console must show it as text.
        String markup = "<b>Bob</b> & <script>window.injected = true;</script><img src=x onerror=\"window.injected=true\">";
        ConsolePerson bob = workspace.consolePerson("bob", false, markup);
        ConsolePerson admin = workspace.consolePerson("carol", true);
        // The admin signs in first: ID tokens are checked against the service's clock, which this test moves.
        signIn(admin);
        UUID personal = bob.asApiPerson().connect();
        String healthy = grantedMailbox(bob, "support");
        String stale = grantedMailbox(bob, "sales");
        String broken = grantedMailbox(bob, "careers");
        String fresh = grantedMailbox(bob, "billing");
        UUID staleId = bob.asApiPerson().addSharedOk(personal, stale);
        UUID brokenId = bob.asApiPerson().addSharedOk(personal, broken);
        for (UUID id : List.of(personal, staleId, brokenId)) {
            awaitBadge(bob, id, "healthy");
        }
        TestWorkspace other = new TestWorkspace(base);
        ConsolePerson stranger = other.consolePerson("stranger", false);
        stranger.asApiPerson().connect();
        try {
            // Microsoft stops answering for sales@ (503, a transient failure: its badge only ages), the Exchange admin
            // removes bob's Full Access to careers@, and a day passes.
            workspace.tenant.failNext(stale, 100_000, 503);
            workspace.tenant.revokeFullAccess(broken, bob.microsoft().upn());
            controls.holdBackgroundWork();
            controls.advanceClock(Duration.ofHours(26));
            controls.releaseBackgroundWork();
            // Then support@ is added and syncs, careers@'s sync is refused, and sales@'s keep failing.
            UUID healthyId = bob.asApiPerson().addSharedOk(personal, healthy);
            assertEquals(202, bob.api().post("/api/v1/outlook/connections/" + brokenId + "/sync", "").status());
            awaitBadge(bob, healthyId, "healthy");
            awaitBadge(bob, personal, "healthy");
            JsonNode refused = awaitBadge(bob, brokenId, "error");
            assertEquals("MAILBOX_ACCESS_DENIED", refused.get("health").get("error").get("code").asText());
            // billing@ is added while background work is held: it has not synced when the admin looks.
            controls.holdBackgroundWork();
            UUID freshId = bob.asApiPerson().addSharedOk(personal, fresh);
            assertEquals("never_synced", bob.asApiPerson().badge(freshId));
            assertEquals("stale", bob.asApiPerson().badge(staleId), "sales@ has not synced for 26 hours");

            browser.open(console + "/admin/outlook.xhtml");
            browser.find(By.linkText("Mailbox health")).click();
            awaitPage("/admin/health.xhtml");
            assertTrue(browser.has(By.cssSelector("section.person[data-person='" + bob.login() + "']")));
            assertFalse(browser.text().contains(stranger.microsoft().upn()), "another workspace never shows");
            assertEquals("healthy", row(healthy).getAttribute("data-badge"));
            assertEquals("stale", row(stale).getAttribute("data-badge"));
            assertEquals("error", row(broken).getAttribute("data-badge"));
            assertEquals("never_synced", row(fresh).getAttribute("data-badge"));
            assertEquals("Healthy", row(healthy).findElement(By.cssSelector(".badge")).getText());
            assertEquals("Stale", row(stale).findElement(By.cssSelector(".badge")).getText());
            assertEquals("Error", row(broken).findElement(By.cssSelector(".badge")).getText());
            assertEquals("Never synced", row(fresh).findElement(By.cssSelector(".badge")).getText());
            assertTrue(row(broken).getText().contains("Microsoft rejected access to this mailbox"), row(broken).getText());
            assertTrue(row(bob.microsoft().upn()).getText().contains(markup), row(bob.microsoft().upn()).getText());
            assertFalse(browser.has(By.xpath("//b[text()='Bob']")), "markup is text, not elements");
            assertFalse(browser.has(By.cssSelector("img[src='x']")));
            assertEquals(Boolean.FALSE, browser.script("return window.injected === true;"));
            assertTrue(browser.find(By.cssSelector("li[data-count='error'] .count")).getText().matches("\\d+"));
            browser.screenshot("13-admin-mailbox-health");

            browser.choose(By.id("filters:badge"), "error");
            browser.submit(browser.find(By.id("filters:apply")));
            assertEquals(1, browser.all(By.cssSelector("tr.connection")).size());
            assertTrue(browser.has(rowBy(broken)));
            browser.submit(browser.find(By.id("filters:clear")));
            browser.find(By.id("filters:address")).sendKeys("sales-");
            browser.submit(browser.find(By.id("filters:apply")));
            assertEquals(1, browser.all(By.cssSelector("tr.connection")).size());
            assertTrue(browser.has(rowBy(stale)));
            browser.screenshot("14-admin-filtered");
            browser.submit(browser.find(By.id("filters:clear")));

            browser.submit(row(stale).findElement(By.cssSelector("[data-action='sync-now']")));
            assertTrue(browser.find(By.id("toast")).getText().contains("Sync requested for " + stale));

            List<WebElement> audit = browser.all(By.cssSelector("tr.audit-event"));
            assertTrue(audit.stream().anyMatch(e -> e.getText().contains("Connected Outlook") && e.getText().contains(bob.login())),
                    "the audit trail names who connected");
            browser.choose(By.id("audit-filters:action"), "SHARED_MAILBOX_ADDED");
            browser.find(By.id("audit-filters:text")).sendKeys("careers-");
            browser.submit(browser.find(By.id("audit-filters:apply")));
            List<WebElement> added = browser.all(By.cssSelector("tr.audit-event"));
            assertEquals(1, added.size());
            assertTrue(added.get(0).getText().contains("Added shared mailbox"));
            assertTrue(added.get(0).getText().contains(broken));
            browser.screenshot("15-admin-audit-filtered");
        } finally {
            workspace.tenant.clearFaults(stale);
            controls.backToRealTime();
        }
    }

    @Test
    void aMemberOpeningTheAdminPageGetsAClear403() throws Exception {
        ConsolePerson frank = workspace.consolePerson("frank", false);
        signIn(frank);
        browser.open(console + "/admin/health.xhtml");
        assertEquals("Workspace admins only", browser.find(By.id("error-title")).getText());
        assertTrue(browser.find(By.id("error-text")).getText().contains(frank.login() + " is not one of them"));
        browser.screenshot("16-member-gets-403");
        assertEquals(403, consoleRequest("GET", "/admin/health.xhtml", null).statusCode());
    }

    @Test
    void safetyEscapingCsrfProductionStageNoInlineStylesNoExternalResourcesAndTheApiIgnoresTheConsoleSession() throws Exception {
        ConsolePerson gina = workspace.consolePerson("gina", true);
        String support = grantedMailbox(gina, "support");
        signIn(gina);
        connectOutlook(gina, null);
        UUID personal = connectionId(gina.userId(), gina.microsoft().upn());
        gina.asApiPerson().addSharedOk(personal, support);
        browser.open(console + "/admin/outlook.xhtml");

        for (String page : List.of("/admin/outlook.xhtml", "/admin/health.xhtml")) {
            browser.open(console + page);
            assertEquals("Production", browser.find(By.cssSelector("meta[name='faces-project-stage']")).getAttribute("content"));
            String source = browser.source();
            assertFalse(source.matches("(?s).*\\sstyle\\s*=.*"), page + " has an inline style attribute");
            assertFalse(source.contains("<style"), page + " has an inline style element");
            for (WebElement resource : browser.all(By.cssSelector("script[src], link[href], img[src], input[src]"))) {
                String url = resource.getAttribute(resource.getTagName().equals("link") ? "href" : "src");
                assertTrue(url.startsWith(console + "/"), page + " loads " + url);
            }
        }

        assertTrue(browser.cookieIsSecureAndHttpOnly("JSESSIONID"), "the console's session cookie over https");

        // A forged form post (no or a wrong view state) changes nothing, even with the person's session cookie.
        browser.open(console + "/admin/outlook.xhtml");
        browser.submit(row(support).findElement(By.cssSelector("[data-action='remove']")));
        WebElement confirm = browser.find(By.cssSelector("[data-action='confirm-remove']"));
        String form = "rows=rows&" + URLEncoder.encode(confirm.getAttribute("name"), StandardCharsets.UTF_8) + "=Remove";
        // Without a view state the post is no postback at all: Faces shows the page afresh and runs no action.
        HttpResponse<String> noViewState = consoleRequest("POST", "/admin/outlook.xhtml", form);
        assertEquals(200, noViewState.statusCode(), noViewState.body());
        assertTrue(noViewState.body().contains("data-address=\"" + support + "\""), "the row is still listed: " + noViewState.body());
        assertFalse(noViewState.body().contains("id=\"toast\""), "no action ran, so no toast: " + noViewState.body());
        assertFalse(noViewState.body().contains("was removed"), noViewState.body());
        // With a view state that is not the session's, the console refuses in so many words.
        HttpResponse<String> wrongViewState = consoleRequest("POST", "/admin/outlook.xhtml",
                form + "&jakarta.faces.ViewState=" + URLEncoder.encode("-123:456", StandardCharsets.UTF_8));
        assertEquals(400, wrongViewState.statusCode());
        assertTrue(wrongViewState.body().contains("<h1 id=\"error-title\">This page had expired</h1>"), wrongViewState.body());
        assertTrue(wrongViewState.body().contains("The form was too old or was not sent from this console page, so nothing was changed."),
                wrongViewState.body());
        JsonNode connections = gina.api().get("/api/v1/outlook/connections").json();
        assertEquals(2, connections.size(), "nothing was removed: " + connections);
        assertEquals(0, Sql.count("SELECT count(*) FROM audit_event WHERE user_id = ? AND action IN ('SHARED_MAILBOX_REMOVED', 'DISCONNECTED')",
                gina.userId()), "nothing was audited as removed");

        // The console's session cookie never authenticates the API: it needs its bearer token.
        HttpResponse<String> api = consoleRequest("GET", "/api/v1/outlook/connections", null);
        assertEquals(401, api.statusCode(), api.body());

        // Sign out: the session ends here and at the identity provider; the next visit signs in again.
        browser.open(console + "/admin/outlook.xhtml");
        browser.find(By.id("account:sign-out")).click();
        awaitPage("/admin/signed-out.xhtml");
        assertTrue(browser.find(By.id("signed-out-message")).getText().contains("You are signed out"));
        browser.screenshot("17-signed-out");
        browser.open(console + "/admin/outlook.xhtml");
        browser.await(d -> browser.has(By.id("emulator_user")));
    }

    // ---- helpers

    private void signIn(ConsolePerson person) {
        browser.open(console + "/admin/outlook.xhtml");
        browser.signInAtEmulator(person.login(), null);
        awaitPage("/admin/outlook.xhtml");
    }

    private void connectOutlook(ConsolePerson person, String screenshot) {
        browser.find(By.id("connect:connect")).click();
        browser.signInAtEmulator(person.microsoft().upn(), screenshot);
        browser.await(d -> d.getCurrentUrl().contains("/admin/outlook.xhtml?connection="));
        assertNotNull(row(person.microsoft().upn()));
    }

    private void openAddForm(String parentAddress) {
        browser.submit(browser.find(By.cssSelector("tr.add-row[data-parent='" + parentAddress + "'] [data-action='add-shared']")));
        browser.await(d -> browser.has(By.cssSelector("tr.add-row input[type='text']")));
        assertEquals(browser.find(By.cssSelector("tr.add-row input[type='text']")), browser.driver().switchTo().activeElement(),
                "the address field has the focus");
    }

    private void submitAddress(String address) {
        browser.find(By.cssSelector("tr.add-row input[type='text']")).sendKeys(address);
        browser.submit(browser.find(By.cssSelector("[data-action='add-mailbox']")));
    }

    private static String addError() {
        return "add-error";
    }

    private static JsonNode awaitBadge(ConsolePerson person, UUID connection, String badge) {
        JsonNode view = person.asApiPerson().awaitConnection(connection,
                current -> badge.equals(current.get("health").get("badge").asText()), Duration.ofSeconds(60));
        assertEquals(badge, view.get("health").get("badge").asText(), view.toString());
        return view;
    }

    private String grantedMailbox(ConsolePerson person, String name) {
        String address = workspace.sharedMailbox(name);
        workspace.tenant.grantFullAccess(address, person.microsoft().upn());
        return address;
    }

    private void awaitPage(String path) {
        browser.await(d -> URI.create(d.getCurrentUrl()).getPath().equals(path));
    }

    private static By rowBy(String address) {
        return By.cssSelector("tr.connection[data-address='" + address + "']");
    }

    private static WebElement row(String address) {
        return browser.find(rowBy(address));
    }

    private static UUID connectionId(String userId, String address) {
        Object id = Sql.single("SELECT c.id FROM outlook_connection c JOIN mailbox m ON m.id = c.mailbox_id"
                + " WHERE c.user_id = ? AND m.address = ?", userId, address.toLowerCase());
        assertNotNull(id, "no connection " + address + " for " + userId);
        return UUID.fromString(id.toString());
    }

    /**
     * A request outside the browser that carries the browser's console session cookie (cookies belong to the host, not
     * the port, so the test reaches the service on its plain-HTTP port).
     */
    private HttpResponse<String> consoleRequest(String method, String path, String form) throws Exception {
        String session = browser.cookie("JSESSIONID");
        assertNotNull(session, "signed in");
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Cookie", "JSESSIONID=" + session);
        if (form == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded").method(method, HttpRequest.BodyPublishers.ofString(form));
        }
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
