package com.workestra.sharedmailboxes.problems.boundary;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which failures mean the database is away (answered 503 DATABASE_UNAVAILABLE with Retry-After; SeveralServersIT shows
 * the answer with PostgreSQL really stopped): a refused or broken connection, PostgreSQL shutting down or starting up.
 * Any other database error is a bug of ours and stays a 500 with an incident id.
 */
class UnexpectedFailureMapperTest {

    @Test
    void aRefusedOrBrokenConnectionAndAServerShuttingDownOrStartingMeanTheDatabaseIsAway() {
        assertTrue(UnexpectedFailureMapper.isDatabaseAway(new SQLException("Connection to 127.0.0.1:5432 refused.", "08001")));
        assertTrue(UnexpectedFailureMapper.isDatabaseAway(new SQLException("An I/O error occurred while sending to the backend.", "08006")));
        assertTrue(UnexpectedFailureMapper.isDatabaseAway(new SQLException("terminating connection due to administrator command", "57P01")));
        assertTrue(UnexpectedFailureMapper.isDatabaseAway(new SQLException("the database system is starting up", "57P03")));
        assertTrue(UnexpectedFailureMapper.isDatabaseAway(new SQLTransientConnectionException("no connection")));
    }

    @Test
    void otherDatabaseErrorsAreNot() {
        assertFalse(UnexpectedFailureMapper.isDatabaseAway(new SQLException("duplicate key value violates unique constraint", "23505")));
        assertFalse(UnexpectedFailureMapper.isDatabaseAway(new SQLException("Error in allocating a connection.")));
        assertFalse(UnexpectedFailureMapper.isDatabaseAway(new IllegalStateException("reading mailbox access failed")));
    }
}
