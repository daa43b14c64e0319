package com.workestra.sharedmailboxes.admin.control;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Set;
import java.util.logging.Logger;

/**
 * Sets Faces' {@code PROJECT_STAGE} from the configuration key {@code faces.project-stage}, {@code Production} unless
 * configured, before Faces starts: a Development stage never ships by accident inside the WAR's web.xml.
 */
public class ProjectStageFromConfig implements ServletContainerInitializer {

    public static final String KEY = "faces.project-stage";
    static final Set<String> STAGES = Set.of("Production", "Development", "UnitTest", "SystemTest");
    private static final Logger LOG = Logger.getLogger(ProjectStageFromConfig.class.getName());

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        String stage = configured();
        if (!STAGES.contains(stage)) {
            LOG.warning(() -> KEY + " is " + stage + ", not one of " + STAGES + ": using Production");
            context.setInitParameter("jakarta.faces.PROJECT_STAGE", "Production");
            return;
        }
        context.setInitParameter("jakarta.faces.PROJECT_STAGE", stage);
    }

    private static String configured() {
        try {
            return ConfigProvider.getConfig().getOptionalValue(KEY, String.class).orElse("Production").trim();
        } catch (RuntimeException noConfigYet) {
            String env = System.getenv("FACES_PROJECT_STAGE");
            return System.getProperty(KEY, env == null ? "Production" : env).trim();
        }
    }
}
