// gongkai ui: optional helpers. Every page works without them.
(function () {
  'use strict';
  // A form marked js-progress shows what is happening and is not sent twice.
  document.querySelectorAll('form.js-progress').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      var clicked = event.submitter;
      if (clicked && clicked.name) {
        // Keep the clicked button's value once the buttons are disabled.
        var keep = document.createElement('input');
        keep.type = 'hidden';
        keep.name = clicked.name;
        keep.value = clicked.value;
        form.appendChild(keep);
      }
      form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
      var note = document.createElement('span');
      note.className = 'busy-note';
      note.innerHTML = '<span class="spinner"></span> ';
      note.appendChild(document.createTextNode(form.dataset.progress || '请稍候…'));
      form.appendChild(note);
    });
  });
  // The sync page polls its state instead of reloading every two seconds.
  var progress = document.querySelector('[data-poll]');
  if (progress) {
    var poll = function () {
      fetch(progress.dataset.poll, { credentials: 'same-origin' })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          if (state.running) { setTimeout(poll, 700); } else { window.location.reload(); }
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 500);
  }
  // Inline cell editing: a changed cell of the import grid is marked until saved.
  document.querySelectorAll('table.sheet input').forEach(function (input) {
    var original = input.value;
    input.addEventListener('input', function () {
      input.parentElement.classList.toggle('edited', input.value !== original);
    });
  });
})();
