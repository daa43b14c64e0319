package com.workestra.sharedmailboxes.admin.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a line may break inside the email addresses a console page shows: after the {@code @}, after a hyphen or an
 * underscore (between the words of a name), and before a dot; never inside a word. The pages write each piece of an
 * address unbreakable and a {@code <wbr>} between pieces ({@code WEB-INF/includes/wrapped.xhtml}); text around
 * addresses wraps as usual. The text itself is unchanged: copying an address copies the address.
 */
@Named("breaks")
@ApplicationScoped
public class AddressBreaks {

    /** Something shaped like an address inside a sentence: no spaces, one {@code @}, a dot after it. */
    private static final Pattern ADDRESS = Pattern.compile("[^\\s@<>()\"',;:]+@[^\\s@<>()\"',;:]+\\.[^\\s@<>()\"',;:.]+");

    /** A piece of shown text: plain text wraps as usual, an address piece never breaks, {@code breakBefore} offers a break. */
    public record Piece(String text, boolean addressPart, boolean breakBefore) implements Serializable {
    }

    public List<Piece> pieces(String text) {
        return of(text);
    }

    public static List<Piece> of(String text) {
        List<Piece> pieces = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return pieces;
        }
        Matcher address = ADDRESS.matcher(text);
        int at = 0;
        while (address.find()) {
            if (address.start() > at) {
                pieces.add(new Piece(text.substring(at, address.start()), false, false));
            }
            pieces.addAll(addressPieces(address.group()));
            at = address.end();
        }
        if (at < text.length()) {
            pieces.add(new Piece(text.substring(at), false, false));
        }
        return pieces;
    }

    private static List<Piece> addressPieces(String address) {
        List<String> texts = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        for (char c : address.toCharArray()) {
            if (c == '.' && !piece.isEmpty()) {
                texts.add(piece.toString());
                piece.setLength(0);
            }
            piece.append(c);
            if (c == '@' || c == '-' || c == '_') {
                texts.add(piece.toString());
                piece.setLength(0);
            }
        }
        if (!piece.isEmpty()) {
            texts.add(piece.toString());
        }
        List<Piece> pieces = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            pieces.add(new Piece(texts.get(i), true, i > 0));
        }
        return pieces;
    }
}
