/**
 * The PostgreSQL schema: Flyway migrations applied at start, before anything else touches the database, and readiness;
 * and the turns cluster-wide jobs take ({@code cluster_turn}), so that each runs once per interval across servers.
 */
package com.workestra.sharedmailboxes.database;
