package com.workestra.sharedmailboxes.admin;

import com.workestra.sharedmailboxes.admin.boundary.AddressBreaks;
import com.workestra.sharedmailboxes.admin.boundary.AddressBreaks.Piece;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressBreaksTest {

    @Test
    void anAddressBreaksOnlyAfterTheAtAHyphenOrAnUnderscoreAndBeforeADot() {
        List<Piece> pieces = AddressBreaks.of("customer-support_desk@contoso-eu.example.com");
        assertEquals(List.of("customer-", "support_", "desk@", "contoso-", "eu", ".example", ".com"),
                pieces.stream().map(Piece::text).toList());
        assertEquals(List.of(false, true, true, true, true, true, true), pieces.stream().map(Piece::breakBefore).toList());
        assertTrue(pieces.stream().allMatch(Piece::addressPart));
        assertEquals(List.of("first", ".last@", "acme", ".example"), AddressBreaks.of("first.last@acme.example").stream()
                .map(Piece::text).toList());
    }

    @Test
    void theTextAroundAnAddressIsLeftAsItIsAndNothingIsLost() {
        String sentence = "Microsoft 365 could not find a mailbox at nobody-x1@contoso.example. Double-check the spelling.";
        List<Piece> pieces = AddressBreaks.of(sentence);
        assertEquals(sentence, pieces.stream().map(Piece::text).collect(Collectors.joining()));
        assertEquals("Microsoft 365 could not find a mailbox at ", pieces.get(0).text());
        assertEquals(false, pieces.get(0).addressPart());
        assertEquals(". Double-check the spelling.", pieces.get(pieces.size() - 1).text());
        assertEquals(false, pieces.get(pieces.size() - 1).addressPart());
    }

    @Test
    void textWithoutAnAddressIsOnePlainPiece() {
        assertEquals(List.of(new Piece("Sync requested.", false, false)), AddressBreaks.of("Sync requested."));
        assertEquals(List.of(), AddressBreaks.of(null));
    }
}
