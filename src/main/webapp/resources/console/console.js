/*
 * The console's only script, served from this server. It refreshes the connection list while a mailbox waits for
 * its first sync (the list says so with data-poll="true"), keeps keyboard focus where it was across such a refresh,
 * and moves focus to the element a page marks with data-focus (an opened form, a confirmation).
 */
(function () {
    'use strict';
    var POLL_MILLIS = 2500;
    var focusedId = null;

    function pollRegion() {
        return document.querySelector('[data-poll]');
    }

    function tick() {
        var region = pollRegion();
        if (!region || region.getAttribute('data-poll') !== 'true' || document.visibilityState === 'hidden') {
            return;
        }
        var active = document.activeElement;
        if (active && (active.tagName === 'INPUT' || active.tagName === 'SELECT' || active.tagName === 'TEXTAREA')) {
            return;
        }
        var refresh = document.getElementById(region.getAttribute('data-refresh'));
        if (refresh) {
            refresh.click();
        }
    }

    function restoreFocus(data) {
        if (data.status === 'begin') {
            var active = document.activeElement;
            focusedId = active && active.id && active !== document.body ? active.id : null;
        } else if (data.status === 'success' && focusedId) {
            var again = document.getElementById(focusedId);
            if (again && document.activeElement !== again) {
                again.focus();
            }
        }
    }

    function start() {
        var target = document.querySelector('[data-focus]');
        if (target) {
            target.focus();
        }
        if (window.faces && window.faces.ajax) {
            window.faces.ajax.addOnEvent(restoreFocus);
        }
        window.setInterval(tick, POLL_MILLIS);
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
})();
