// The sign-in pop-up's last page: hands the sign-in to the panel that opened it (Relay's own origin only) and closes.
(function () {
    'use strict';
    var handoff = document.getElementById('relay-handoff');
    var note = document.getElementById('relay-handoff-note');
    if (!handoff) {
        return;
    }

    if (!window.opener) {
        note.textContent = 'This window was not opened by a Relay panel. Open the panel again from SuperOffice and use its sign-in button.';
        return;
    }

    window.opener.postMessage({ type: 'relay-panel-handoff', token: handoff.getAttribute('data-token') }, location.origin);
    window.close();
})();
