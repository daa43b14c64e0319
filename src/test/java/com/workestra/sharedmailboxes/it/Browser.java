package com.workestra.sharedmailboxes.it;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * A real headless Chromium, Debian's, driven through Debian's matching chromedriver (never a downloaded browser):
 * what a person sees and clicks, plus screenshots under target/screenshots for a person to look at.
 */
public final class Browser implements AutoCloseable {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private final ChromeDriver driver;
    private final Path screenshots;

    private Browser(ChromeDriver driver, Path screenshots) {
        this.driver = driver;
        this.screenshots = screenshots;
    }

    public static Browser start() {
        if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
            throw new AssertionError(CHROMIUM + " and " + CHROMEDRIVER + " are needed (Debian's chromium and chromium-driver);"
                    + " the build installs them in pre-integration-test (src/test/browser/install-chromium.sh)");
        }
        Path home = Path.of(System.getProperty("it.browser.dir", "target/browser"));
        Path screenshots = Path.of(System.getProperty("it.screenshots", "target/screenshots"));
        try {
            for (String dir : List.of("tmp", "config", "cache", "profile")) {
                Files.createDirectories(home.resolve(dir));
            }
            Files.createDirectories(screenshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty("SE_OFFLINE", "true");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.setAcceptInsecureCerts(true);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-extensions", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--window-size=1280,1000", "--lang=en-GB",
                "--disable-features=AutofillServerCommunication,NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
                "--user-data-dir=" + home.resolve("profile").toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withLogFile(home.resolve("chromedriver.log").toFile())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return new Browser(driver, screenshots);
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    public WebElement find(By by) {
        try {
            return driver.findElement(by);
        } catch (org.openqa.selenium.NoSuchElementException e) {
            keepPageFor(by.toString());
            throw e;
        }
    }

    /** Keeps the page a test failed on, as target/browser/failed-page.html and its screenshot, to see why. */
    private void keepPageFor(String what) {
        try {
            Path home = Path.of(System.getProperty("it.browser.dir", "target/browser"));
            Files.writeString(home.resolve("failed-page.html"), "<!-- " + driver.getCurrentUrl() + " looking for "
                    + what.replace("--", "- -") + " -->\n" + driver.getPageSource());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), home.resolve("failed-page.png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException ignored) {
            // best effort: the test's own failure is what matters
        }
    }

    public List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    public boolean has(By by) {
        return !driver.findElements(by).isEmpty();
    }

    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    public String source() {
        return driver.getPageSource();
    }

    public <T> T await(ExpectedCondition<T> condition) {
        return await(condition, Duration.ofSeconds(20));
    }

    public <T> T await(ExpectedCondition<T> condition, Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait.until(condition);
    }

    /** Clicks a control that posts its form and waits until the answer is a new, loaded page. */
    public void submit(WebElement control) {
        WebElement page = driver.findElement(By.tagName("html"));
        control.click();
        awaitNewPage(page);
    }

    /**
     * As {@link #submit(WebElement)} for the control {@code control} finds, found again when the page's live list
     * re-renders it between finding and clicking (the list re-renders itself on every health change).
     */
    public void submit(By control) {
        WebElement page = driver.findElement(By.tagName("html"));
        java.util.concurrent.atomic.AtomicReference<WebElement> clicked = new java.util.concurrent.atomic.AtomicReference<>();
        await(d -> {
            WebElement found = d.findElement(control);
            found.click();
            clicked.set(found);
            return true;
        });
        // A click that lands on a control the list replaced at that very moment submits nothing (it is no longer in the
        // page): while the old page stays and the clicked control is gone from it, the new one is clicked. A click that
        // did land holds the list still (the console re-renders nothing while and just after a button is pressed).
        await(d -> {
            if (isGone(page)) {
                return true;
            }
            if (isGone(clicked.get()) && !isGone(page)) {
                WebElement again = d.findElement(control);
                again.click();
                clicked.set(again);
            }
            return false;
        });
        await(d -> "complete".equals(script("return document.readyState;")));
    }

    /** Presses Enter on a control that posts its form (the keyboard's way), and waits for the new page. */
    public void submitWithEnter(WebElement control) {
        WebElement page = driver.findElement(By.tagName("html"));
        control.sendKeys(org.openqa.selenium.Keys.ENTER);
        awaitNewPage(page);
    }

    private void awaitNewPage(WebElement old) {
        await(d -> isGone(old));
        await(d -> "complete".equals(script("return document.readyState;")));
    }

    /**
     * Whether the old page's element is gone. While the browser swaps documents, Chrome may answer "Node with given id
     * does not belong to the document" instead of a stale element: that, too, means the old page is gone.
     */
    private static boolean isGone(WebElement old) {
        try {
            old.isEnabled();
            return false;
        } catch (org.openqa.selenium.StaleElementReferenceException stale) {
            return true;
        } catch (org.openqa.selenium.WebDriverException swapping) {
            String message = swapping.getMessage();
            if (message != null && message.contains("does not belong to the document")) {
                return true;
            }
            throw swapping;
        }
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    public void choose(By select, String value) {
        new Select(driver.findElement(select)).selectByValue(value);
    }

    /** Signs in at an emulator's sign-in page (Workestra's or Microsoft's): picks the account, clicks Accept. */
    public void signInAtEmulator(String upn, String screenshot) {
        await(d -> !d.findElements(By.id("emulator_user")).isEmpty());
        choose(By.id("emulator_user"), upn);
        if (screenshot != null) {
            screenshot(screenshot);
        }
        find(By.cssSelector("button[value='accept']")).click();
    }

    /** Saves what the browser shows now, full page, as target/screenshots/NAME.png. */
    public Path screenshot(String name) {
        Path target = screenshots.resolve(name + ".png");
        try {
            Long height = (Long) script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight);");
            if (height != null && height > 1000) {
                driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, (int) Math.min(height + 40, 4000)));
            }
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void forgetCookies() {
        driver.manage().deleteAllCookies();
    }

    public String cookie(String name) {
        var cookie = driver.manage().getCookieNamed(name);
        return cookie == null ? null : cookie.getValue();
    }

    /** Whether the browser holds the cookie as Secure (sent over https only) and HttpOnly (no script reads it). */
    public boolean cookieIsSecureAndHttpOnly(String name) {
        var cookie = driver.manage().getCookieNamed(name);
        return cookie != null && cookie.isSecure() && cookie.isHttpOnly();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
