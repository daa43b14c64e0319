package com.workestra.sharedmailboxes.localrun;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real PostgreSQL from Maven-delivered binaries, for the local run and the tests. One started with
 * {@link #startRestartable} can be stopped and started again on the same port and data directory, as an operator
 * restarts the production database ({@link #stop}, {@link #startAgain}).
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    public static final String DATABASE = "postgres";

    private final int port;
    private final Path dataDirectory;
    private final boolean clean;
    private final boolean durable;
    private volatile EmbeddedPostgres postgres;

    private EmbeddedDatabase(int port, Path dataDirectory, boolean clean, boolean durable) {
        this.port = port;
        this.dataDirectory = dataDirectory;
        this.clean = clean;
        this.durable = durable;
    }

    /** Starts PostgreSQL on {@code port} with its data in {@code dataDirectory}; {@code keepData} keeps it across restarts. */
    public static EmbeddedDatabase start(int port, Path dataDirectory, boolean keepData) {
        EmbeddedDatabase database = new EmbeddedDatabase(port, dataDirectory, !keepData, keepData);
        database.startAgain();
        return database;
    }

    /**
     * Starts a fresh PostgreSQL (the data directory emptied first) that keeps its data when {@link #stop stopped}, so that
     * {@link #startAgain} brings the same database back on the same port. Not durable against a machine's crash (no
     * fsync), which a stop and start of PostgreSQL itself does not need.
     */
    public static EmbeddedDatabase startRestartable(int port, Path dataDirectory) {
        deleteRecursively(dataDirectory);
        EmbeddedDatabase database = new EmbeddedDatabase(port, dataDirectory, false, false);
        database.startAgain();
        return database;
    }

    /** Starts PostgreSQL (again) on this port and data directory; a directory without a database is initialised first. */
    public synchronized void startAgain() {
        if (postgres != null) {
            throw new IllegalStateException("PostgreSQL is running on port " + port);
        }
        try {
            Files.createDirectories(dataDirectory);
            postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(clean)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", durable ? "on" : "off")
                    .setServerConfig("synchronous_commit", durable ? "on" : "off")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        }
    }

    /**
     * Stops PostgreSQL as {@code pg_ctl stop} does by default (fast: every session is ended, open transactions are
     * rolled back, a checkpoint is written); the port stops answering. A restartable database keeps its data.
     */
    public synchronized void stop() {
        EmbeddedPostgres running = postgres;
        postgres = null;
        if (running != null) {
            try {
                running.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public boolean isRunning() {
        return postgres != null;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    @Override
    public void close() {
        stop();
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + directory, e);
        }
    }
}
