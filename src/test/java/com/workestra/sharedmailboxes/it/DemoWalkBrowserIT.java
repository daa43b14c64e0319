package com.workestra.sharedmailboxes.it;

import com.workestra.sharedmailboxes.localrun.LocalDemo.DemoPeople;
import com.workestra.sharedmailboxes.localrun.LocalDemo.DemoTenant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's "The demo in five minutes", steps 2 to 7, word for word, in a real headless Chromium, against the demo's
 * own seeded tenant and Workestra people ({@code LocalDemo}'s seeds): sign in as alice@acme.example, Connect as Alice
 * Archer, add support@ (its first sync's progress, then Healthy, under the name Microsoft gives it), the two refusals,
 * Sync now, the trash icon. Screenshots go to target/screenshots/demo-*.png. What it does not run is the launcher
 * itself ({@code mvn -Pdemo verify}): the service is the one the ITs deploy.
 */
class DemoWalkBrowserIT extends ServiceIT {

    static final String SUPPORT = "support@contoso.example";
    static final String ALICE = "alice@contoso.example";
    static final Duration FIRST_SYNC = Duration.ofSeconds(60);

    static Browser browser;

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

    @Test
    void theDemoWalkAsTheReadmeTellsIt() {
        // 1. What `mvn -Pdemo verify` seeds: the Microsoft tenant and Workestra's people (the service is the ITs' own).
        DemoTenant.seed(IntegrationEnvironment.emulator().tenant());
        DemoPeople.seed(IntegrationEnvironment.identityProvider());

        // 2. Open https://localhost:8181/admin/outlook.xhtml.
        String console = "https://127.0.0.1:" + System.getProperty("it.https.port");
        browser.open(console + "/admin/outlook.xhtml");

        // 3. Workestra's sign-in page (green, its own title): pick alice@acme.example, Accept; Settings → Integrations → Outlook.
        browser.await(d -> !d.findElements(By.id("emulator_user")).isEmpty());
        assertEquals("Workestra sign-in (demo identity provider)", browser.driver().getTitle());
        browser.signInAtEmulator("alice@acme.example", "demo-3-workestra-sign-in");
        browser.await(d -> URI.create(d.getCurrentUrl()).getPath().equals("/admin/outlook.xhtml"));
        assertTrue(browser.find(By.cssSelector(".crumbs")).getText().matches("(?s)Settings.*Integrations.*Outlook.*"),
                browser.find(By.cssSelector(".crumbs")).getText());
        assertTrue(browser.find(By.id("signed-in-as")).getText().contains("Alice Archer"), browser.find(By.id("signed-in-as")).getText());

        // 4. Connect: Microsoft's page (blue, its own title), Alice Archer, every permission ticked, Accept; her personal
        // row appears and turns Healthy after its first sync.
        browser.find(By.id("connect:connect")).click();
        browser.await(d -> d.getTitle().equals("Sign in to your account · Microsoft 365 emulator"));
        assertTrue(browser.all(By.cssSelector("input[type='checkbox']")).stream().allMatch(WebElement::isSelected),
                "every permission is ticked");
        browser.signInAtEmulator(ALICE, "demo-4-microsoft-sign-in");
        browser.await(d -> d.getCurrentUrl().contains("/admin/outlook.xhtml?connection="));
        browser.await(d -> "healthy".equals(row(ALICE).getAttribute("data-badge")), FIRST_SYNC);
        assertEquals("Alice Archer", browser.await(d -> row(ALICE).findElement(By.cssSelector(".display-name")).getText()));
        browser.screenshot("demo-4-personal-row-healthy");

        // 5. Add shared mailbox, support@contoso.example, Add mailbox: a Shared row, its first sync's progress, then
        // Healthy. The row is called what Microsoft calls the mailbox, with its address below.
        browser.submit(By.cssSelector("tr.add-row[data-parent='" + ALICE + "'] [data-action='add-shared']"));
        browser.find(By.cssSelector("tr.add-row input[type='text']")).sendKeys(SUPPORT);
        // Background work held for a moment, so that the first sync's progress is on the page before it completes.
        controls.holdBackgroundWork();
        try {
            browser.submit(By.cssSelector("[data-action='add-mailbox']"));
            browser.await(d -> browser.has(rowBy(SUPPORT)));
            WebElement shared = row(SUPPORT);
            assertEquals("Shared", shared.findElement(By.cssSelector(".tag")).getText());
            assertEquals("Never synced", shared.findElement(By.cssSelector(".badge")).getText());
            assertTrue(shared.findElement(By.cssSelector(".progress")).getText().startsWith("First sync:"),
                    shared.findElement(By.cssSelector(".progress")).getText());
            browser.screenshot("demo-5-support-never-synced");
        } finally {
            controls.releaseBackgroundWork();
        }
        browser.await(d -> "healthy".equals(row(SUPPORT).getAttribute("data-badge")), FIRST_SYNC);
        // The list re-renders on every health change (the first sync's end among them): the row is read in one wait, which
        // starts again if the row was replaced meanwhile.
        String[] support = browser.await(d -> {
            WebElement row = row(SUPPORT);
            return new String[] {row.findElement(By.cssSelector(".display-name")).getText(),
                    row.findElement(By.cssSelector(".address")).getText(), row.getText()};
        });
        assertEquals("Contoso Support", support[0]);
        assertEquals(SUPPORT, support[1]);
        assertEquals(1, support[2].split(java.util.regex.Pattern.quote(SUPPORT), -1).length - 1,
                "the address is shown once: " + support[2]);
        browser.screenshot("demo-5-support-healthy");

        // 6. The refusals: careers@ (no access) and all-staff@ (a distribution list).
        browser.submit(By.cssSelector("tr.add-row[data-parent='" + ALICE + "'] [data-action='add-shared']"));
        addAddress("careers@contoso.example");
        String refused = browser.await(d -> browser.find(By.id("add-error")).getText());
        assertTrue(refused.contains("Microsoft rejected access to this mailbox"), refused);
        browser.screenshot("demo-6-careers-refused");
        browser.find(By.cssSelector("tr.add-row input[type='text']")).clear();
        addAddress("all-staff@contoso.example");
        String notFound = browser.find(By.id("add-error")).getText();
        assertTrue(notFound.contains("Microsoft 365 could not find a mailbox at all-staff@contoso.example"), notFound);
        browser.screenshot("demo-6-all-staff-not-found");

        // 7. Sync now on a row, then the trash icon on the shared row: the personal row stays.
        browser.open(console + "/admin/outlook.xhtml");
        browser.submit(By.cssSelector("tr.connection[data-address='" + SUPPORT + "'] [data-action='sync-now']"));
        assertTrue(browser.find(By.id("toast")).getText().contains("Sync requested for " + SUPPORT), browser.find(By.id("toast")).getText());
        browser.screenshot("demo-7-sync-now");
        browser.submit(By.cssSelector("tr.connection[data-address='" + SUPPORT + "'] [data-action='remove']"));
        browser.submit(By.cssSelector("[data-action='confirm-remove']"));
        browser.await(d -> !browser.has(rowBy(SUPPORT)));
        assertTrue(browser.has(rowBy(ALICE)), "the personal row stays");
        assertFalse(browser.has(rowBy("careers@contoso.example")), "nothing was added by the refusals");
        browser.screenshot("demo-7-support-removed");
    }

    private static void addAddress(String address) {
        browser.find(By.cssSelector("tr.add-row input[type='text']")).sendKeys(address);
        browser.submit(By.cssSelector("[data-action='add-mailbox']"));
    }

    private static By rowBy(String address) {
        return By.cssSelector("tr.connection[data-address='" + address + "']");
    }

    private static WebElement row(String address) {
        return browser.find(rowBy(address));
    }
}
