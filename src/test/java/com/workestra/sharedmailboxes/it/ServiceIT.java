package com.workestra.sharedmailboxes.it;

import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;

/**
 * An integration test of the service as built: {@link ServiceDeployment} deploys the WAR to a fresh Payara Micro (the
 * {@code polling} container, or the one {@link DeployedTo} names) and the tests call it as clients at {@link #base}.
 * Each test starts with a workspace and Microsoft names of its own and the service's testing controls.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
abstract class ServiceIT {

    @ArquillianResource
    URL base;

    TestWorkspace workspace;
    ServiceControls controls;

    @BeforeEach
    void freshWorkspace() {
        workspace = new TestWorkspace(base);
        controls = new ServiceControls(base);
    }
}
