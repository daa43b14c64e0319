/** The PostgreSQL schema: Flyway migrations applied at start, before anything else touches the database, and readiness. */
package com.workestra.sharedmailboxes.database;
