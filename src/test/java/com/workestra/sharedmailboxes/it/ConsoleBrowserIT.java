package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.it.TestWorkspace.ConsolePerson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

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
        // The list refreshes itself while the first sync runs: the row is found again if a refresh replaced it.
        assertEquals("personal", browser.await(d -> row(alice.microsoft().upn()).getAttribute("data-kind")));
        browser.screenshot("04-outlook-connected");

        openAddForm(alice.microsoft().upn());
        assertFalse(browser.has(By.id("notice")), "the next action replaces the notice of the one before");
        browser.screenshot("05-add-shared-mailbox-form");
        // Background work held while the mailbox is added: the page shows it before its first sync has run.
        controls.holdBackgroundWork();
        try {
            submitAddress(support.toUpperCase());
            browser.await(d -> browser.has(rowBy(support)));
            WebElement shared = row(support);
            assertEquals("shared", shared.getAttribute("data-kind"));
            assertEquals("Shared", shared.findElement(By.cssSelector(".tag")).getText());
            // The toast says what is true now (the sync is requested, not done), and the row shows the first sync's progress.
            String added = browser.find(By.id("toast")).getText();
            assertTrue(added.contains(support + " was added and its first sync requested"), added);
            assertEquals("never_synced", shared.getAttribute("data-badge"));
            assertEquals("Never synced", shared.findElement(By.cssSelector(".badge")).getText());
            assertEquals("First sync: no messages yet.", shared.findElement(By.cssSelector(".progress")).getText());
            assertTrue(shared.getText().contains("Polling"), "delivery is shown: " + shared.getText());
            assertEquals("on", browser.find(By.id("rows:list")).getAttribute("data-refreshing"), "the list refreshes itself");
            // ... when the change feed says so: the page listens to the console's stream (admin/changes), not a timer.
            browser.await(d -> "true".equals(browser.find(By.id("rows:list")).getAttribute("data-live")));
            browser.screenshot("06-shared-mailbox-never-synced");
            browser.script("window.stillTheSamePage = true;");
            // A toast can be closed, with the keyboard too; focus goes back to the page.
            WebElement dismiss = browser.find(By.cssSelector("#toast [data-action='dismiss']"));
            assertEquals("Dismiss this message", dismiss.getAttribute("aria-label"));
            dismiss.sendKeys(Keys.ENTER);
            browser.await(d -> !browser.has(By.id("toast")));
        } finally {
            controls.releaseBackgroundWork();
        }

        // The first sync runs while the page is open: the badge turns Healthy without a reload, and the page stops
        // refreshing itself.
        browser.await(d -> "healthy".equals(row(support).getAttribute("data-badge")), Duration.ofSeconds(60));
        assertEquals(Boolean.TRUE, browser.script("return window.stillTheSamePage === true;"), "no reload happened");
        assertEquals("Healthy", browser.await(d -> row(support).findElement(By.cssSelector(".badge")).getText()));
        assertFalse(browser.await(d -> row(support).findElement(By.cssSelector(".delivery")).getText()).contains("First sync"));
        // Both attributes of one rendering of the list: the next change may re-render it between two reads.
        assertEquals("true", browser.await(d -> {
            WebElement list = browser.find(By.id("rows:list"));
            return "done".equals(list.getAttribute("data-refreshing")) ? list.getAttribute("data-live") : null;
        }), "re-rendered by the change feed");
        browser.screenshot("07-shared-mailbox-healthy");
        assertNoPolicyViolations("the Outlook page, refreshing itself from Never synced to Healthy");

        // A confirmation goes by itself after a few seconds.
        submitInRow(support, "sync-now");
        assertTrue(browser.find(By.id("toast")).getText().contains("Sync requested for " + support));
        browser.await(d -> !browser.has(By.id("toast")), Duration.ofSeconds(30));

        // An error appearing on the healthy row reaches the open page too (its connection.health change on the feed): the
        // Exchange admin removes alice's Full Access, a sync started elsewhere (the API) is refused, and the row shows it
        // without a reload and without anyone touching the page.
        browser.await(d -> "true".equals(browser.find(By.id("rows:list")).getAttribute("data-live")));
        browser.script("window.stillTheSamePage = true;");
        workspace.tenant.revokeFullAccess(support, alice.microsoft().upn());
        assertEquals(202, alice.api().post("/api/v1/outlook/connections/" + connectionId(alice.userId(), support) + "/sync", "").status());
        browser.await(d -> "error".equals(row(support).getAttribute("data-badge")), Duration.ofSeconds(60));
        assertEquals(Boolean.TRUE, browser.script("return window.stillTheSamePage === true;"), "no reload happened");
        String errorShown = browser.await(d -> row(support).findElement(By.cssSelector(".row-error")).getText());
        assertFalse(errorShown.isBlank(), errorShown);
        assertEquals("healthy", browser.await(d -> row(alice.microsoft().upn()).getAttribute("data-badge")), "the other row stays as it was");
        browser.screenshot("07b-error-pushed-into-the-open-page");

        // A change arriving while the person presses a button waits for the release: the button is not replaced under
        // the press, the click lands, and the list re-renders afterwards.
        Actions press = pressInRow(alice.microsoft().upn(), "sync-now");
        // As Safari does (it gives a clicked button no focus): only the press itself holds the re-render back.
        browser.script("document.activeElement.blur();");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        assertEquals(202, alice.api().post("/api/v1/outlook/connections/" + connectionId(alice.userId(), support) + "/sync", "").status());
        browser.await(d -> "true".equals(browser.find(By.id("rows:list")).getAttribute("data-pending")), Duration.ofSeconds(60));
        assertEquals("error", row(support).getAttribute("data-badge"), "not re-rendered while the button is pressed");
        press.release().perform();
        browser.await(d -> browser.has(By.id("toast")) && browser.find(By.id("toast")).getText()
                .contains("Sync requested for " + alice.microsoft().upn()));
        browser.await(d -> "healthy".equals(row(support).getAttribute("data-badge")), Duration.ofSeconds(60));

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

        // The list refreshes itself (Faces ajax replaces the rows) while the connection's first sync runs: the button and
        // its hint are read together, again if a refresh replaced them meanwhile.
        DisabledButton seen = browser.await(d -> {
            WebElement button = browser.find(By.cssSelector("tr.add-row button[data-action='add-shared']"));
            WebElement hint = browser.find(By.id(button.getAttribute("aria-describedby")));
            return new DisabledButton(button.isEnabled(), button.getText(), button.getAttribute("title"), hint.isDisplayed(),
                    hint.getText());
        });
        assertFalse(seen.enabled());
        assertEquals("Add shared mailbox", seen.label());
        assertTrue(seen.tooltip().contains("This Outlook connection was authorised before shared-mailbox access was available"),
                seen.tooltip());
        assertTrue(seen.hintShown());
        assertEquals(seen.tooltip(), seen.hint());
        browser.screenshot("09-legacy-connection-disabled-button");
    }

    record DisabledButton(boolean enabled, String label, String tooltip, boolean hintShown, String hint) {
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
        // Until both first syncs are shown, the list re-renders itself on every change, and would show careers@ gone
        // the moment it is removed below: wait until it stands still, as a person's page would after the first syncs.
        browser.await(d -> "done".equals(browser.find(By.id("rows:list")).getAttribute("data-refreshing")), Duration.ofSeconds(60));

        submitInRow(support, "sync-now");
        assertTrue(browser.find(By.id("toast")).getText().contains("Sync requested for " + support));

        // Sync now on a row that is removed elsewhere while the person presses the button (the live list waits for the
        // release): the click lands on the row as the person saw it, and the toast says why nothing was synced.
        UUID careersId = connectionId(erin.userId(), careers);
        Actions press = pressInRow(careers, "sync-now");
        assertEquals(204, erin.api().delete("/api/v1/outlook/connections/" + careersId).status());
        browser.await(d -> "true".equals(browser.find(By.id("rows:list")).getAttribute("data-pending")), Duration.ofSeconds(60));
        press.release().perform();
        browser.await(d -> browser.has(By.cssSelector("#toast.toast-error")), Duration.ofSeconds(30));
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
        submitInRow(erin.microsoft().upn(), "remove");
        String warning = browser.find(By.cssSelector(".confirm-text")).getText();
        assertTrue(warning.contains("The shared mailboxes you added through it go too"), warning);
        assertTrue(warning.contains(sales), warning);
        assertEquals("Disconnect", browser.find(By.cssSelector("[data-action='confirm-remove']")).getAttribute("value"));
        browser.screenshot("12-confirm-disconnect-personal");
        browser.submit(By.cssSelector("[data-action='confirm-remove']"));
        browser.await(d -> browser.text().contains("No Outlook account is connected yet"));
        assertTrue(browser.find(By.id("toast")).getText().contains("and with it the shared mailboxes " + sales));
        assertEquals(0, erin.api().get("/api/v1/outlook/connections").json().size());
        assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE user_id = ? AND action = 'DISCONNECTED'", erin.userId()));
    }

    @Test
    void longAddressesNeverBreakMidWordInTheListTheAddFormAndTheConfirmation() {
        ConsolePerson jo = workspace.consolePerson("jo", false);
        String longOne = grantedMailbox(jo, "customer-support-and-service-desk-escalations");
        signIn(jo);
        connectOutlook(jo, null);
        UUID personal = connectionId(jo.userId(), jo.microsoft().upn());
        awaitBadge(jo, jo.asApiPerson().addSharedOk(personal, longOne), "healthy");
        awaitBadge(jo, personal, "healthy");
        browser.driver().manage().window().setSize(new Dimension(520, 1000));
        try {
            browser.open(console + "/admin/outlook.xhtml");
            WebElement address = row(longOne).findElement(By.cssSelector(".address"));
            assertEquals(longOne, address.getText(), "the address reads (and copies) as itself");
            assertBreaksOnlyBetweenPieces(address, true);

            openAddForm(jo.microsoft().upn());
            String nobody = workspace.address("customer-support-and-service-desk-escalations-archive");
            submitAddress(nobody);
            WebElement error = browser.find(By.id(addError()));
            assertTrue(error.getText().contains("could not find a mailbox at " + nobody), error.getText());
            assertBreaksOnlyBetweenPieces(error, false);
            browser.screenshot("20-long-address-add-form-narrow");

            submitInRow(longOne, "remove");
            WebElement confirmed = browser.find(By.cssSelector(".confirm-text strong"));
            assertEquals(longOne, confirmed.getText());
            assertBreaksOnlyBetweenPieces(confirmed, false);
            browser.screenshot("21-long-address-confirmation-narrow");
        } finally {
            browser.driver().manage().window().setSize(new Dimension(1280, 1000));
        }
    }

    /** No piece of an address is split over two lines (and, when asked, the address did need more than one line). */
    @SuppressWarnings("unchecked")
    private static void assertBreaksOnlyBetweenPieces(WebElement text, boolean wrapped) {
        Map<String, Object> layout = (Map<String, Object>) browser.script(
                "var pieces = arguments[0].querySelectorAll('.unbroken'), broken = [], lines = {};"
                        + "for (var i = 0; i < pieces.length; i++) {"
                        + "  var rects = pieces[i].getClientRects();"
                        + "  if (rects.length !== 1) { broken.push(pieces[i].textContent); }"
                        + "  lines[Math.round(rects[0].top)] = true;"
                        + "}"
                        + "return {pieces: pieces.length, broken: broken, lines: Object.keys(lines).length};", text);
        assertTrue(((Number) layout.get("pieces")).intValue() >= 3, "the address is written in pieces: " + layout);
        assertEquals(List.of(), layout.get("broken"), "pieces broken mid-word: " + layout);
        if (wrapped) {
            assertTrue(((Number) layout.get("lines")).intValue() > 1, "the narrow page made the address wrap: " + layout);
        }
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

            submitInRow(support, "sync-now");
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
            browser.submit(By.id("filters:apply"));
            assertEquals(1, browser.all(By.cssSelector("tr.connection")).size());
            assertTrue(browser.has(rowBy(broken)));
            browser.submit(By.id("filters:clear"));
            browser.find(By.id("filters:address")).sendKeys("sales-");
            browser.submit(By.id("filters:apply"));
            assertEquals(1, browser.all(By.cssSelector("tr.connection")).size());
            assertTrue(browser.has(rowBy(stale)));
            browser.screenshot("14-admin-filtered");
            browser.submit(By.id("filters:clear"));

            submitInRow(stale, "sync-now");
            assertTrue(browser.find(By.id("toast")).getText().contains("Sync requested for " + stale));

            List<WebElement> audit = browser.all(By.cssSelector("tr.audit-event"));
            assertTrue(audit.stream().anyMatch(e -> e.getText().contains("Connected Outlook") && e.getText().contains(bob.login())),
                    "the audit trail names who connected");
            browser.choose(By.id("audit-filters:action"), "SHARED_MAILBOX_ADDED");
            browser.find(By.id("audit-filters:text")).sendKeys("careers-");
            browser.submit(By.id("audit-filters:apply"));
            List<WebElement> added = browser.all(By.cssSelector("tr.audit-event"));
            assertEquals(1, added.size());
            assertTrue(added.get(0).getText().contains("Added shared mailbox"));
            assertTrue(added.get(0).getText().contains(broken));
            browser.screenshot("15-admin-audit-filtered");

            // Issue 19: the app-only push scope section (this container has no app-only identity: nothing checked).
            WebElement pushScope = browser.find(By.id("push-scope"));
            assertEquals("NOT_CHECKED", browser.find(By.id("scope-status")).getAttribute("data-outcome"));
            assertTrue(browser.find(By.id("scope-status")).getText().contains("Not checked"), pushScope.getText());
            assertTrue(pushScope.getText().contains("No app-only identity is configured"), pushScope.getText());
            String script = browser.find(By.id("scope-script")).getText();
            for (String mailbox : List.of(healthy, stale, broken, fresh)) {
                assertTrue(script.contains("PrimarySmtpAddress -eq ''" + mailbox + "''"), script);
            }
            assertFalse(script.contains(other.suffix), "another workspace's mailboxes never show");
            assertTrue(browser.find(By.id("scope-warning")).getText().contains("tenant-wide"));
            browser.screenshot("16-admin-push-scope");
        } finally {
            workspace.tenant.clearFaults(stale);
            controls.backToRealTime();
        }
    }

    @Test
    void aMemberGets403OnEveryAdminPageAndEveryAdminActionAndTheConsoleTakesNoBearerToken() throws Exception {
        ConsolePerson frank = workspace.consolePerson("frank", false);
        ConsolePerson admin = workspace.consolePerson("ivy", true);
        frank.asApiPerson().connect();

        // What an admin's pages offer: every form and every button that posts one (read as the admin sees them).
        List<String> adminPages = adminPagesInTheWar();
        assertTrue(adminPages.contains("/admin/health.xhtml"), adminPages.toString());
        signIn(admin);
        List<String[]> actions = new ArrayList<>();
        for (String page : adminPages) {
            browser.open(console + page);
            assertEquals(200, consoleRequest("GET", page, null).statusCode(), "an admin opens " + page);
            // Read again from the start if the live list re-renders while its buttons are read.
            actions.addAll(browser.await(d -> formsPosting(page)));
        }
        assertTrue(actions.size() >= 6, "the health page's filters, refresh, Sync now and audit filters: " + actions.size());

        browser.open(console + "/admin/signed-out.xhtml");
        browser.forgetCookies();
        signIn(frank);
        // The best a member has: a view state of their own page.
        String viewState = browser.find(By.cssSelector("input[name='jakarta.faces.ViewState']")).getAttribute("value");
        for (String page : adminPages) {
            browser.open(console + page);
            assertEquals("Workspace admins only", browser.find(By.id("error-title")).getText(), page);
            assertTrue(browser.find(By.id("error-text")).getText().contains(frank.login() + " is not one of them"));
            HttpResponse<String> get = consoleRequest("GET", page, null);
            assertEquals(403, get.statusCode(), "GET " + page);
            assertTrue(get.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        }
        browser.screenshot("16-member-gets-403");
        for (String[] action : actions) {
            String form = action[1] + "&jakarta.faces.ViewState=" + encode(viewState);
            assertForbidden(consoleRequest("POST", action[0], form), "POST " + action[0] + " pressing " + action[2]);
            String ajax = form + "&jakarta.faces.source=" + encode(action[2]) + "&jakarta.faces.partial.ajax=true"
                    + "&jakarta.faces.partial.execute=" + encode(action[2]) + "&jakarta.faces.partial.render=%40all";
            assertForbidden(consoleRequest("POST", action[0], ajax, "Faces-Request", "partial/ajax"),
                    "ajax POST " + action[0] + " pressing " + action[2]);
        }
        // The same page under other spellings of its path.
        for (String variant : List.of("/admin/health.xhtml;jsessionid=x", "/admin//health.xhtml", "/admin/./health.xhtml",
                "/api/../admin/health.xhtml", "/admin/%68ealth.xhtml", "/ADMIN/health.xhtml", "/admin/health.xhtml?x=1")) {
            HttpResponse<String> reply = consoleRequest("GET", variant, null);
            assertTrue(reply.statusCode() == 403 || reply.statusCode() == 404 || reply.statusCode() == 400, variant + ": " + reply.statusCode());
            assertFalse(reply.body().contains("Audit trail"), variant + " shows the admins' page");
        }

        // A bearer token opens no console page, not even an admin's: the console asks for its own sign-in.
        for (ApiClient bearer : List.of(frank.api(), admin.api())) {
            for (String page : adminPages) {
                assertSentToSignIn(bearer.send(bearer.request(page).GET()), "GET " + page + " with a bearer token");
            }
            for (String[] action : actions) {
                assertSentToSignIn(bearer.send(bearer.request(action[0]).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(action[1]))), "POST " + action[0] + " with a bearer token");
            }
        }
    }

    /** Every form of the open page with a button that posts it: page, the form's body as that button posts it, the button's id. */
    private List<String[]> formsPosting(String page) {
        List<String[]> found = new ArrayList<>();
        for (WebElement button : browser.all(By.cssSelector("form input[type='submit'], form input[type='image'], form button[type='submit'], form button:not([type])"))) {
            WebElement form = button.findElement(By.xpath("ancestor::form"));
            if ("account".equals(form.getAttribute("id"))) {
                continue; // Sign out: the template's, on every page
            }
            StringBuilder body = new StringBuilder();
            for (WebElement field : form.findElements(By.cssSelector("input[type='hidden'], input[type='text'], select"))) {
                if (!field.getAttribute("name").equals("jakarta.faces.ViewState")) {
                    body.append(encode(field.getAttribute("name"))).append('=').append(encode(field.getAttribute("value"))).append('&');
                }
            }
            String name = button.getAttribute("name");
            body.append("image".equals(button.getAttribute("type")) ? encode(name + ".x") + "=1&" + encode(name + ".y") + "=1"
                    : encode(name) + "=" + encode(button.getAttribute("value")));
            found.add(new String[]{page, body.toString(), button.getAttribute("id")});
        }
        return found;
    }

    private void assertForbidden(HttpResponse<String> reply, String what) {
        assertEquals(403, reply.statusCode(), what + ": " + reply.body());
        assertTrue(reply.body().contains("Workspace admins only"), what + ": " + reply.body());
    }

    private static void assertSentToSignIn(ApiClient.Reply reply, String what) {
        assertEquals(302, reply.status(), what + ": " + reply);
        String location = reply.header("Location");
        assertNotNull(location, what);
        assertTrue(location.startsWith("https://127.0.0.1:" + System.getProperty("it.idp.port") + "/"), what + " goes to " + location);
    }

    /** Every console page the built WAR holds but the two a member may see: the admins' pages, those added later too. */
    private static List<String> adminPagesInTheWar() throws Exception {
        List<String> pages = new ArrayList<>();
        try (ZipFile war = new ZipFile(System.getProperty("it.war"))) {
            war.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("admin/") && name.endsWith(".xhtml"))
                    .filter(name -> !name.equals("admin/outlook.xhtml") && !name.equals("admin/signed-out.xhtml"))
                    .forEach(name -> pages.add("/" + name));
        }
        return pages;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
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
            assertFalse(source.matches("(?s).*<[a-zA-Z][^>]*\\son[a-z]+\\s*=.*"), page + " has an inline event handler");
            assertEquals(browser.all(By.cssSelector("script[src]")).size(), browser.all(By.tagName("script")).size(),
                    page + " has an inline script");
            // Read again from the start if the live list re-renders while the page's resources are read.
            List<String> loaded = browser.await(d -> {
                List<String> urls = new ArrayList<>();
                for (WebElement resource : browser.all(By.cssSelector("script[src], link[href], img[src], input[src]"))) {
                    urls.add(resource.getAttribute(resource.getTagName().equals("link") ? "href" : "src"));
                }
                return urls;
            });
            for (String url : loaded) {
                assertTrue(url.startsWith(console + "/"), page + " loads " + url);
            }
        }

        assertTrue(browser.cookieIsSecureAndHttpOnly("JSESSIONID"), "the console's session cookie over https");

        // The policy allows scripts from this server only: the browser refuses an inline script, and says so.
        String policy = consoleRequest("GET", "/admin/outlook.xhtml", null).headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"), policy);
        assertNoPolicyViolations("the Outlook and health pages");
        browser.script("var s = document.createElement('script'); s.textContent = 'window.inlineRan = true;'; document.head.appendChild(s);");
        assertEquals(Boolean.FALSE, browser.script("return window.inlineRan === true;"), "the browser ran an inline script");
        List<String> refused = policyViolations();
        assertTrue(refused.stream().anyMatch(line -> line.contains("inline script")), "the browser reports what it refused: " + refused);

        // A forged form post (no or a wrong view state) changes nothing, even with the person's session cookie.
        browser.open(console + "/admin/outlook.xhtml");
        submitInRow(support, "remove");
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

    /** What the browser reported refusing under the Content-Security-Policy since the last look (Chromium's console). */
    private static List<String> policyViolations() {
        List<String> refused = new ArrayList<>();
        for (LogEntry entry : browser.driver().manage().logs().get(LogType.BROWSER)) {
            if (entry.getMessage().contains("Content Security Policy")) {
                refused.add(entry.getMessage());
            }
        }
        return refused;
    }

    private static void assertNoPolicyViolations(String where) {
        List<String> refused = policyViolations();
        assertTrue(refused.isEmpty(), where + ": the browser refused " + refused);
    }

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

    /**
     * Clicks a row's button. The list re-renders live while a mailbox waits for its first sync (the change feed): a
     * button found just before may be replaced under the click, so it is found again until the click lands.
     */
    private void submitInRow(String address, String action) {
        browser.submit(By.cssSelector("tr.connection[data-address='" + address + "'] [data-action='" + action + "']"));
    }

    /** Presses (and holds) a row's button, found again if the live list re-renders before the press lands. */
    private Actions pressInRow(String address, String action) {
        Actions press = new Actions(browser.driver());
        browser.await(d -> {
            try {
                press.clickAndHold(row(address).findElement(By.cssSelector("[data-action='" + action + "']"))).perform();
                return true;
            } catch (org.openqa.selenium.StaleElementReferenceException replaced) {
                return false;
            }
        });
        return press;
    }

    private void openAddForm(String parentAddress) {
        // Right after connecting, the personal row's first sync re-renders the list live (the change feed): a button found
        // just before may be replaced under the click, so it is found again until the click lands.
        browser.await(d -> {
            try {
                browser.submit(By.cssSelector("tr.add-row[data-parent='" + parentAddress + "'] [data-action='add-shared']"));
                return true;
            } catch (org.openqa.selenium.StaleElementReferenceException replaced) {
                return false;
            }
        });
        browser.await(d -> browser.has(By.cssSelector("tr.add-row input[type='text']")));
        assertEquals(browser.find(By.cssSelector("tr.add-row input[type='text']")), browser.driver().switchTo().activeElement(),
                "the address field has the focus");
    }

    private void submitAddress(String address) {
        browser.find(By.cssSelector("tr.add-row input[type='text']")).sendKeys(address);
        browser.submit(By.cssSelector("[data-action='add-mailbox']"));
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
    private HttpResponse<String> consoleRequest(String method, String path, String form, String... headers) throws Exception {
        String session = browser.cookie("JSESSIONID");
        assertNotNull(session, "signed in");
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Cookie", "JSESSIONID=" + session);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        if (form == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded").method(method, HttpRequest.BodyPublishers.ofString(form));
        }
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
