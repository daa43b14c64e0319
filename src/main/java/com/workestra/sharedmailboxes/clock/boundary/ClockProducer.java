package com.workestra.sharedmailboxes.clock.boundary;

import com.workestra.sharedmailboxes.clock.control.ServiceClock;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.time.Clock;

@ApplicationScoped
public class ClockProducer {

    private final ServiceClock clock = new ServiceClock();

    @Produces
    @ApplicationScoped
    public Clock clock() {
        return clock;
    }

    /** For the testing controls only. */
    public ServiceClock serviceClock() {
        return clock;
    }
}
