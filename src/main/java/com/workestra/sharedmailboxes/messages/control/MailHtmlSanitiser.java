package com.workestra.sharedmailboxes.messages.control;

import jakarta.enterprise.context.ApplicationScoped;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Mail HTML as the UI may show it: an allowlist of what mail layout needs (text blocks, lists, Outlook's tables and their
 * layout attributes, fonts, links, inline images) and nothing that runs, submits, frames, redirects or loads from
 * elsewhere. Everything not on the list goes: its tag and attributes are dropped, its text stays (except inside script and
 * style, which are not text). Remote images are tracking pixels until the reader asks for them.
 */
@ApplicationScoped
public class MailHtmlSanitiser {

    /** The safe body, and whether remote images were withheld (so the UI can offer to show them). */
    public record SafeHtml(String html, boolean remoteImagesBlocked) {
    }

    private static final String LINK_REL = "noopener noreferrer nofollow";

    private static final Set<String> STYLE_PROPERTIES = Set.of(
            "color", "background-color", "background",
            "font", "font-family", "font-size", "font-style", "font-variant", "font-weight", "line-height",
            "letter-spacing", "word-spacing", "text-align", "text-decoration", "text-indent", "text-transform",
            "vertical-align", "white-space", "word-break", "word-wrap", "overflow-wrap", "direction",
            "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
            "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
            "border", "border-top", "border-right", "border-bottom", "border-left",
            "border-color", "border-style", "border-width", "border-radius", "border-collapse", "border-spacing",
            "border-top-color", "border-right-color", "border-bottom-color", "border-left-color",
            "border-top-style", "border-right-style", "border-bottom-style", "border-left-style",
            "border-top-width", "border-right-width", "border-bottom-width", "border-left-width",
            "width", "height", "min-width", "max-width", "min-height", "max-height",
            "display", "list-style-type", "table-layout");

    // Colour functions are the only parentheses a value may hold: that alone rules out url(), expression(), var() and
    // image-set(); no backslash rules out CSS escapes, no colon rules out a scheme, no '*' rules out comments.
    private static final Pattern COLOUR_FUNCTION = Pattern.compile("(?i)\\b(?:rgba?|hsla?)\\(\\s*[-0-9.%,/\\s]*\\)");
    private static final Pattern PLAIN_VALUE = Pattern.compile("[-#%.,!/'\"\\w\\s]*");

    private final Cleaner cleaner = new Cleaner(mailSafelist());

    public SafeHtml sanitise(String html, boolean showRemoteImages) {
        return sanitise(html, showRemoteImages, Map.of());
    }

    /**
     * As {@link #sanitise(String, boolean)}, with each {@code cid:} image whose Content-ID is a key of {@code inlineUrls}
     * pointed at that URL (the service's own download URL of that inline attachment), after cleaning, so nothing from the
     * mail decides it. A {@code cid:} that names no listed attachment stays as it is (a browser loads nothing from it).
     */
    public SafeHtml sanitise(String html, boolean showRemoteImages, Map<String, String> inlineUrls) {
        Document dirty = Jsoup.parse(html == null ? "" : html);
        // A <base> in the mail would otherwise turn its relative links into absolute ones before the protocol check.
        dirty.setBaseUri("");
        Document clean = cleaner.clean(dirty);
        clean.outputSettings().prettyPrint(false);
        for (Element styled : clean.body().select("[style]")) {
            String style = safeStyle(styled.attr("style"));
            if (style.isEmpty()) {
                styled.removeAttr("style");
            } else {
                styled.attr("style", style);
            }
        }
        boolean blocked = false;
        for (Element image : clean.body().select("img")) {
            String source = image.attr("src").toLowerCase(Locale.ROOT);
            if (source.isEmpty()) {
                image.remove();
            } else if (source.startsWith("cid:")) {
                String url = inlineUrls.get(contentId(image.attr("src").substring(4)));
                if (url != null) {
                    image.attr("src", url);
                }
            } else if (!showRemoteImages) {
                image.remove();
                blocked = true;
            }
        }
        return new SafeHtml(clean.body().html(), blocked);
    }

    /**
     * A Content-ID as a {@code cid:} URL names it (RFC 2392: URL-encoded, without the angle brackets of the header), in
     * the form {@link #contentId(String)} gives the header's value too, so the two compare equal.
     */
    public static String contentId(String value) {
        String id = value == null ? "" : value.trim();
        if (id.startsWith("<") && id.endsWith(">") && id.length() >= 2) {
            id = id.substring(1, id.length() - 1);
        }
        try {
            id = URLDecoder.decode(id.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // not percent-encoded after all: compare as it is
        }
        return id.toLowerCase(Locale.ROOT);
    }

    /** The declarations of an inline style that only lay out and colour: known properties, values without functions. */
    static String safeStyle(String style) {
        List<String> kept = new ArrayList<>();
        for (String declaration : style.split(";")) {
            int colon = declaration.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String property = declaration.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = declaration.substring(colon + 1).trim();
            if (STYLE_PROPERTIES.contains(property) && isPlainValue(value)) {
                kept.add(property + ": " + value);
            }
        }
        return String.join("; ", kept);
    }

    private static boolean isPlainValue(String value) {
        if (value.isEmpty() || value.chars().filter(c -> c == '"').count() % 2 != 0
                || value.chars().filter(c -> c == '\'').count() % 2 != 0) {
            return false;
        }
        return PLAIN_VALUE.matcher(COLOUR_FUNCTION.matcher(value).replaceAll("0")).matches();
    }

    private static Safelist mailSafelist() {
        return new Safelist()
                .addTags("a", "abbr", "address", "b", "big", "blockquote", "br", "caption", "center", "cite", "code", "col",
                        "colgroup", "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
                        "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
                        "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u",
                        "ul")
                .addAttributes(":all", "style", "title", "dir", "lang", "align")
                .addAttributes("table", "border", "cellpadding", "cellspacing", "width", "height", "bgcolor", "valign",
                        "summary")
                .addAttributes("tr", "bgcolor", "valign", "height")
                .addAttributes("thead", "valign")
                .addAttributes("tbody", "valign")
                .addAttributes("tfoot", "valign")
                .addAttributes("td", "colspan", "rowspan", "width", "height", "bgcolor", "valign", "nowrap")
                .addAttributes("th", "colspan", "rowspan", "width", "height", "bgcolor", "valign", "nowrap", "scope")
                .addAttributes("col", "span", "width", "valign")
                .addAttributes("colgroup", "span", "width", "valign")
                .addAttributes("font", "color", "face", "size")
                .addAttributes("hr", "width", "size", "color", "noshade")
                .addAttributes("ol", "start", "type")
                .addAttributes("ul", "type")
                .addAttributes("img", "src", "alt", "width", "height", "border")
                .addAttributes("a", "href")
                .addProtocols("a", "href", "http", "https", "mailto")
                // cid: is an inline attachment of this very message; http(s) is decided per request in sanitise().
                // data: is not allowed even for images: Outlook sends inline images as cid:, and a data: URL is an
                // unbounded, unchecked payload (SVG among them) for no need of ours.
                .addProtocols("img", "src", "cid", "http", "https")
                .addEnforcedAttribute("a", "rel", LINK_REL)
                .addEnforcedAttribute("a", "target", "_blank");
    }
}
