package com.workestra.sharedmailboxes.m365emulator;

/** HTML escaping for everything the emulator's pages echo back. */
final class Html {

    private Html() {
    }

    static String escape(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    static String unescape(String value) {
        return value.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title><style>body{font-family:Segoe UI,Helvetica,Arial,sans-serif;max-width:34em;margin:3em auto;}"
                + "button{margin-right:1em;padding:.4em 1.4em}li{margin:.2em 0}.error{color:#a4262c}</style></head><body>"
                + body + "</body></html>";
    }
}
