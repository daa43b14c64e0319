package com.workestra.sharedmailboxes.health.entity;

import java.util.Locale;

/** PRODUCT.md's badges: Healthy (green), Never synced (blue), Stale (amber), Error (red). */
public enum Badge {
    HEALTHY("Healthy"), NEVER_SYNCED("Never synced"), STALE("Stale"), ERROR("Error");

    private final String label;

    Badge(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
