package com.workestra.sharedmailboxes.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The Arquillian container (arquillian.xml) a {@link ServiceIT} is deployed to; without it, {@code polling}. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface DeployedTo {

    /**
     * {@code push} (an app-only identity: push for shared mailboxes), {@code bench} (a short poll interval) or
     * {@code unconfigured} (no token-vault key).
     */
    String value();
}
