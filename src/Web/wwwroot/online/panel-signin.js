// The "Sign in with SuperOffice" button of an Online panel. SuperID will not show inside SuperOffice's iframe, so the
// sign-in runs in a pop-up. The pop-up hands the sign-in back with postMessage; this frame then posts it to Relay itself,
// because only a cookie set in the frame's own (partitioned) context reaches the frame.
(function () {
    'use strict';
    var button = document.getElementById('relay-signin');
    var form = document.getElementById('relay-handoff');
    var status = document.getElementById('relay-signin-status');
    if (!button || !form) {
        return;
    }

    var popup = null;
    button.addEventListener('click', function () {
        popup = window.open(button.getAttribute('data-signin'), 'relay-superoffice-signin', 'popup,width=520,height=680');
        status.textContent = popup
            ? 'Sign in in the SuperOffice window that opened.'
            : 'Your browser blocked the sign-in window. Allow pop-ups for this site and try again.';
    });

    window.addEventListener('message', function (event) {
        // Only Relay's own pop-up page may hand over a sign-in.
        if (event.origin !== location.origin || !popup || event.source !== popup) {
            return;
        }

        var data = event.data;
        if (!data || data.type !== 'relay-panel-handoff' || typeof data.token !== 'string') {
            return;
        }

        status.textContent = 'Signed in. Opening the panel…';
        form.elements.handoff.value = data.token;
        form.submit();
    });
})();
