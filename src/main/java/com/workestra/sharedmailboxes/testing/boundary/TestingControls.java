package com.workestra.sharedmailboxes.testing.boundary;

import com.workestra.sharedmailboxes.clock.boundary.ClockProducer;
import com.workestra.sharedmailboxes.clock.control.BackgroundWork;
import com.workestra.sharedmailboxes.graph.control.TransactionWatch;
import com.workestra.sharedmailboxes.sync.boundary.SyncScheduler;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * What the integration tests need to look at a state without racing background work: hold the timers (and wait for
 * this server's sync runs in flight to end), release them, move the service's clock forward and back to real time; and
 * what they check the service never does: calls to Microsoft made inside a database transaction.
 * Answers 404 unless
 * {@code testing.controls-enabled} is true, which no production deployment sets.
 */
@Path("testing")
@RequestScoped
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class TestingControls {

    private static final long DRAIN_MILLIS = 60_000;

    @Inject
    @ConfigProperty(name = "testing.controls-enabled")
    boolean enabled;

    @Inject
    BackgroundWork background;

    @Inject
    SyncScheduler scheduler;

    @Inject
    ClockProducer clocks;

    @Inject
    TransactionWatch transactions;

    @POST
    @Path("background/hold")
    @Operation(hidden = true)
    public Response hold() throws InterruptedException {
        requireEnabled();
        background.hold();
        long deadline = System.currentTimeMillis() + DRAIN_MILLIS;
        while (scheduler.runsInFlight() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        int inFlight = scheduler.runsInFlight();
        return Response.status(inFlight == 0 ? 200 : 503).entity(state()).build();
    }

    @POST
    @Path("background/release")
    @Operation(hidden = true)
    public JsonObject release() {
        requireEnabled();
        background.release();
        scheduler.wake();
        return state();
    }

    @GET
    @Path("background")
    @Operation(hidden = true)
    public JsonObject background() {
        requireEnabled();
        return state();
    }

    @POST
    @Path("clock")
    @Operation(hidden = true)
    public JsonObject advance(@QueryParam("advance") String advance) {
        requireEnabled();
        try {
            clocks.serviceClock().advance(Duration.parse(advance == null ? "PT0S" : advance));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new jakarta.ws.rs.BadRequestException("advance must be a positive ISO-8601 duration such as PT26H");
        }
        return clock();
    }

    /** The service's clock back at the system's time (hold background work first). */
    @DELETE
    @Path("clock")
    @Operation(hidden = true)
    public JsonObject resetClock() {
        requireEnabled();
        clocks.serviceClock().reset();
        return clock();
    }

    @GET
    @Path("clock")
    @Operation(hidden = true)
    public JsonObject clock() {
        requireEnabled();
        return Json.createObjectBuilder()
                .add("now", clocks.serviceClock().instant().toString())
                .add("offset", clocks.serviceClock().offset().toString())
                .build();
    }

    /** Calls to Microsoft (Graph or MSAL) this server made while holding a database transaction: none is the rule. */
    @GET
    @Path("microsoft-calls-in-transaction")
    @Operation(hidden = true)
    public JsonObject microsoftCallsInTransaction() {
        requireEnabled();
        var recent = Json.createArrayBuilder();
        transactions.recentCallsInTransaction().forEach(recent::add);
        return Json.createObjectBuilder()
                .add("count", transactions.callsInTransaction())
                .add("recent", recent)
                .build();
    }

    private JsonObject state() {
        return Json.createObjectBuilder()
                .add("held", background.isHeld())
                .add("runsInFlight", scheduler.runsInFlight())
                .add("syncLeaseOwner", scheduler.owner())
                .build();
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new NotFoundException();
        }
    }
}
