package com.workestra.sharedmailboxes.it;

import org.jboss.arquillian.container.test.api.DeploymentConfiguration;
import org.jboss.arquillian.container.test.spi.client.deployment.AutomaticDeployment;
import org.jboss.arquillian.test.spi.TestClass;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;

/**
 * The project's own WAR, exactly as the build produced it: what every {@link ServiceIT} deploys, with no
 * {@code @Deployment} method of its own, to the container its {@link DeployedTo} names ({@code polling} without one).
 * Arquillian finds this class through {@code META-INF/services} and asks it about every test class it runs.
 */
public final class ServiceDeployment implements AutomaticDeployment {

    static final String DEFAULT_CONTAINER = "polling";

    public static WebArchive war() {
        File war = new File(System.getProperty("it.war"));
        return ShrinkWrap.create(ZipImporter.class, "ROOT.war").importFrom(war).as(WebArchive.class);
    }

    @Override
    public DeploymentConfiguration generateDeploymentScenario(TestClass testClass) {
        if (!ServiceIT.class.isAssignableFrom(testClass.getJavaClass())) {
            return null;
        }
        DeployedTo target = testClass.getJavaClass().getAnnotation(DeployedTo.class);
        return new DeploymentConfiguration.DeploymentContentBuilder(war())
                .withDeployment().withTestable(false).build()
                .withTargetsContainer(target == null ? DEFAULT_CONTAINER : target.value())
                .get();
    }
}
