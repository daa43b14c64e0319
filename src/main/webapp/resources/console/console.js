/*
 * The console's only script, served from this server (the Content-Security-Policy allows no inline script, so the
 * pages carry no event-handler attributes: everything that reacts to the person is wired here).
 *
 * - The connection list re-renders itself, through Faces' ajax (faces.js, also a resource of this server), when the
 *   change feed says a connection's health changed: the page listens to the console's stream of the feed
 *   (Server-Sent Events at admin/changes, the console session's own) and re-renders the list on each
 *   connection.health event (a first sync, an error appearing on a healthy row or clearing, a row added or removed
 *   elsewhere), and once 2.5 s after the stream opened (what changed while the page loaded), with no time limit. Never
 *   under the person's hands: while they are typing or choosing, pressing a button (until half a second after the
 *   release, so that a click is never lost to a re-render), or a form is open in the list (adding a mailbox,
 *   choosing folders, confirming a removal: a re-render would lose what they entered), the re-render waits until they
 *   are done. A 'cursor.expired' event (the stream's position was older than the feed keeps) re-renders too. Only where the
 *   stream cannot be opened does it fall back to the old way, while a mailbox waits for its first sync (the list says
 *   so with data-poll="true"): every 2.5 s, for at most a minute after the page loaded, then the list's Refresh button.
 *   The list tells where it stands in data-refreshing ("on" while a mailbox waits, "done", "stopped"),
 *   data-live ("true" while the stream is open) and data-pending ("true" while a re-render waits for the person).
 * - Keyboard focus stays where it was across such a refresh, and moves to the element a page marks with data-focus
 *   (an opened form, a confirmation).
 * - Notices and toasts can be closed (their Dismiss button); a confirmation dismisses itself after the time in its
 *   data-dismiss-after (milliseconds), unless the person is on it. Failures stay until closed.
 */
(function () {
    'use strict';
    var REFRESH_EVERY_MILLIS = 2500;
    var REFRESH_FOR_MILLIS = 60000;
    var loadedAt = Date.now();
    var timer = null;
    var inFlight = false;
    var live = false;
    var pending = false;
    var focusedId = null;

    function pollRegion() {
        return document.querySelector('[data-poll]');
    }

    function stopRefreshing(region, state) {
        if (timer !== null) {
            window.clearInterval(timer);
            timer = null;
        }
        if (!region) {
            return;
        }
        region.setAttribute('data-refreshing', state);
        if (state === 'stopped') {
            // The minute is over and a mailbox still waits: the person refreshes when they want to.
            var refresh = document.getElementById(region.getAttribute('data-refresh'));
            var note = document.getElementById(region.getAttribute('data-refresh-note'));
            if (refresh) {
                refresh.classList.remove('hidden');
                refresh.removeAttribute('tabindex');
            }
            if (note) {
                note.hidden = false;
            }
        }
    }

    function tick() {
        var region = pollRegion();
        if (!region || region.getAttribute('data-poll') !== 'true') {
            stopRefreshing(region, 'done');
            return;
        }
        if (Date.now() - loadedAt > REFRESH_FOR_MILLIS) {
            stopRefreshing(region, 'stopped');
            return;
        }
        region.setAttribute('data-refreshing', 'on');
        render(region);
    }

    var pointerDown = false;
    var pointerUpAt = 0;
    var CLICK_SETTLES_MILLIS = 500;
    document.addEventListener('pointerdown', function () {
        pointerDown = true;
    }, true);
    ['pointerup', 'pointercancel'].forEach(function (type) {
        document.addEventListener(type, function () {
            pointerDown = false;
            pointerUpAt = Date.now();
        }, true);
    });

    /**
     * Whether the person is typing, choosing or clicking: a re-render now would pull the field away from under them, or
     * replace the button between their press and release (the click would be lost).
     */
    function busy() {
        if (pointerDown || Date.now() - pointerUpAt < CLICK_SETTLES_MILLIS) {
            return true;
        }
        var active = document.activeElement;
        return active && (active.tagName === 'INPUT' || active.tagName === 'SELECT' || active.tagName === 'TEXTAREA');
    }

    /** After a re-render (which replaces the list element): the list's state again. */
    function marked() {
        var region = pollRegion();
        if (!region) {
            return;
        }
        if (live) {
            region.setAttribute('data-live', 'true');
            region.setAttribute('data-refreshing', region.getAttribute('data-poll') === 'true' ? 'on' : 'done');
        }
    }

    /** Whether a form is open in the list (its fields are not submitted by a re-render, which would close or reset them). */
    function formOpen(region) {
        return region.querySelector('.add-form, .folders, .confirm') !== null;
    }

    /** A connection's health changed (the stream said so): re-render the list now, or as soon as the person lets us. */
    function changed() {
        var region = pollRegion();
        if (!region) {
            pending = false;
            return;
        }
        if (inFlight || busy() || formOpen(region) || document.visibilityState === 'hidden') {
            pending = true;
            region.setAttribute('data-pending', 'true');
            return;
        }
        pending = false;
        region.removeAttribute('data-pending');
        render(region);
    }

    function listen() {
        if (!window.EventSource || !pollRegion()) {
            return false;
        }
        var source;
        try {
            source = new window.EventSource('changes');
        } catch (e) {
            return false;
        }
        source.addEventListener('connection.health', changed);
        source.addEventListener('cursor.expired', changed);
        source.onopen = function () {
            live = true;
            if (timer !== null) {
                window.clearInterval(timer);
                timer = null;
            }
            marked();
            // What changed between the page's rendering and the stream's opening: looked at once, as the old first tick did.
            window.setTimeout(changed, REFRESH_EVERY_MILLIS);
        };
        source.onerror = function () {
            if (source.readyState === 2) {
                // Closed for good (the session ended, the server refused): the old way, for the rest of the minute.
                live = false;
                var region = pollRegion();
                if (region) {
                    region.removeAttribute('data-live');
                }
                if (timer === null && region && region.getAttribute('data-poll') === 'true') {
                    timer = window.setInterval(tick, REFRESH_EVERY_MILLIS);
                }
            }
        };
        window.setInterval(function () {
            if (pending) {
                changed();
            }
        }, 1000);
        return true;
    }

    function render(region) {
        if (inFlight || document.visibilityState === 'hidden' || busy()) {
            return;
        }
        var refresh = document.getElementById(region.getAttribute('data-refresh'));
        if (!refresh || !window.faces || !window.faces.ajax) {
            return;
        }
        inFlight = true;
        // The event's type matters: for an ajax request Mojarra runs a command button's action only when the request
        // names the button as its source AND says it was clicked (jakarta.faces.partial.event=click). Without it the list
        // is re-rendered from the bean as it was, never reloaded, and Never synced never turns Healthy.
        window.faces.ajax.request(refresh, {type: 'click'}, {
            execute: '@this',
            render: region.getAttribute('data-render'),
            onevent: function (data) {
                if (data.status === 'complete') {
                    inFlight = false;
                }
            },
            onerror: function () {
                inFlight = false;
            }
        });
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

    function dismiss(message) {
        if (!message || !message.parentNode) {
            return;
        }
        var hadFocus = message.contains(document.activeElement);
        message.parentNode.removeChild(message);
        if (hadFocus) {
            var main = document.getElementById('main');
            if (main) {
                main.focus();
            }
        }
    }

    function dismissLater(message, millis) {
        window.setTimeout(function () {
            // Never pulled away from under the person's keyboard or pointer.
            if (message.contains(document.activeElement) || message.matches(':hover')) {
                dismissLater(message, millis);
            } else {
                dismiss(message);
            }
        }, millis);
    }

    function wireMessages() {
        var messages = document.querySelectorAll('[data-message]');
        for (var i = 0; i < messages.length; i++) {
            var message = messages[i];
            var close = message.querySelector('[data-action="dismiss"]');
            if (close) {
                close.addEventListener('click', dismiss.bind(null, message));
            }
            var after = parseInt(message.getAttribute('data-dismiss-after'), 10);
            if (after > 0) {
                dismissLater(message, after);
            }
        }
    }

    function start() {
        var target = document.querySelector('[data-focus]');
        if (target) {
            target.focus();
        }
        wireMessages();
        if (window.faces && window.faces.ajax) {
            window.faces.ajax.addOnEvent(restoreFocus);
            window.faces.ajax.addOnEvent(function (data) {
                if (data.status === 'success') {
                    marked();
                }
            });
        }
        var region = pollRegion();
        if (region && region.getAttribute('data-poll') === 'true') {
            region.setAttribute('data-refreshing', 'on');
            // Until the stream is open (and for good where it cannot be), the list refreshes itself the old way.
            timer = window.setInterval(tick, REFRESH_EVERY_MILLIS);
        } else if (region) {
            region.setAttribute('data-refreshing', 'done');
        }
        listen();
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
})();
