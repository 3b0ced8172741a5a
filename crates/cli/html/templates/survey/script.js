// The self-assessment page's script. It only collects: it shows one step
// at a time, keeps the answers in this browser (localStorage), and writes
// and reads them as a rolefit responses CSV. It scores nothing: rolefit
// does that from the downloaded file.
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.className += ' js';
  var root = doc.getElementById('survey');
  var key = 'rolefit-survey:' + root.getAttribute('data-key');
  var columns = root.getAttribute('data-columns');
  var statements = Array.prototype.slice.call(doc.querySelectorAll('fieldset.statement'));
  var steps = Array.prototype.slice.call(doc.querySelectorAll('section'));
  var progress = doc.getElementById('progress');
  var progressText = doc.getElementById('progress-text');
  var respondent = doc.getElementById('respondent');
  var status = doc.getElementById('status');
  var current = 0;

  function radios(fieldset) {
    return Array.prototype.slice.call(fieldset.querySelectorAll('input[type=radio]'));
  }
  function checked(fieldset) {
    var r = fieldset.querySelector('input[type=radio]:checked');
    return r ? r.value : null;
  }
  function setStatus(text) {
    status.textContent = text;
  }

  // What is kept: the id typed, each statement's answer ('' when skipped),
  // and the step shown.
  function state() {
    var answers = {};
    statements.forEach(function (f) {
      var v = checked(f);
      if (v !== null) {
        answers[f.id] = v;
      }
    });
    return { respondent: respondent.value, answers: answers, step: current };
  }
  function store() {
    try {
      localStorage.setItem(key, JSON.stringify(state()));
    } catch (e) {
      setStatus('This browser does not let the page keep your answers: download them before you close it.');
    }
  }
  function restore() {
    var saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(key) || 'null');
    } catch (e) {
      saved = null;
    }
    if (!saved || typeof saved !== 'object') {
      return 0;
    }
    respondent.value = typeof saved.respondent === 'string' ? saved.respondent : '';
    var answers = saved.answers || {};
    statements.forEach(function (f) {
      radios(f).forEach(function (r) {
        r.checked = Object.prototype.hasOwnProperty.call(answers, f.id) && answers[f.id] === r.value;
      });
    });
    return typeof saved.step === 'number' ? saved.step : 0;
  }

  function update() {
    var answered = 0;
    var skipped = 0;
    statements.forEach(function (f) {
      var v = checked(f);
      if (v === '') {
        skipped += 1;
      } else if (v !== null) {
        answered += 1;
      }
    });
    progress.value = answered + skipped;
    progressText.textContent = answered + ' of ' + statements.length + ' answered' +
      (skipped ? ', ' + skipped + ' skipped' : '');
  }

  function show(i, focus) {
    current = Math.max(0, Math.min(steps.length - 1, i));
    steps.forEach(function (s, j) {
      s.hidden = j !== current;
    });
    if (focus) {
      var heading = steps[current].querySelector('h2');
      heading.setAttribute('tabindex', '-1');
      heading.focus();
      window.scrollTo(0, 0);
    }
  }
  function stepOf(hash) {
    for (var i = 0; i < steps.length; i += 1) {
      if ('#' + steps[i].id === hash) {
        return i;
      }
    }
    return -1;
  }
  function go(i) {
    var target = '#' + steps[Math.max(0, Math.min(steps.length - 1, i))].id;
    if (location.hash === target) {
      show(i, true);
    } else {
      location.hash = target;
    }
  }

  // A CSV field: a formula-like text gets a leading ' (as rolefit writes
  // ids), and quotes when it holds a comma, a quote or a line end.
  function field(text) {
    if (/^[=+\-@\t\r]/.test(text) && !isFinite(Number(text.trim()))) {
      text = "'" + text;
    }
    if (/[",\r\n]/.test(text)) {
      text = '"' + text.replace(/"/g, '""') + '"';
    }
    return text;
  }
  function csv() {
    var id = respondent.value.trim() || 'me';
    var row = [field(id)].concat(statements.map(function (f) {
      return checked(f) || '';
    }));
    return columns + '\n' + row.join(',') + '\n';
  }
  function download() {
    var id = respondent.value.trim() || 'me';
    var name = 'rolefit-answers-' + (id.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'me') + '.csv';
    var blob = new Blob([csv()], { type: 'text/csv' });
    var a = doc.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    doc.body.appendChild(a);
    a.click();
    doc.body.removeChild(a);
    setStatus('Saved ' + name + ' (' + statements.filter(function (f) {
      return checked(f);
    }).length + ' answers).');
  }

  // Reads CSV text into rows of fields (quotes, doubled quotes, CRLF; the
  // delimiter is the first of , ; or tab found in the first line).
  function parse(text) {
    text = text.replace(/^\uFEFF/, '');
    var first = text.split(/\r?\n/, 1)[0];
    var delimiter = [',', ';', '\t'].filter(function (d) {
      return first.indexOf(d) >= 0;
    })[0] || ',';
    var rows = [];
    var row = [];
    var value = '';
    var quoted = false;
    for (var i = 0; i < text.length; i += 1) {
      var c = text.charAt(i);
      if (quoted) {
        if (c === '"' && text.charAt(i + 1) === '"') {
          value += '"';
          i += 1;
        } else if (c === '"') {
          quoted = false;
        } else {
          value += c;
        }
      } else if (c === '"') {
        quoted = true;
      } else if (c === delimiter) {
        row.push(value);
        value = '';
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && text.charAt(i + 1) === '\n') {
          i += 1;
        }
        row.push(value);
        rows.push(row);
        row = [];
        value = '';
      } else {
        value += c;
      }
    }
    if (value !== '' || row.length) {
      row.push(value);
      rows.push(row);
    }
    return rows.filter(function (r) {
      return r.join('').trim() !== '';
    });
  }
  // Names compared as rolefit compares them: lower case, letters and
  // digits only.
  function loose(text) {
    return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  }
  function choose(fieldset, text) {
    var t = text.trim();
    if (t === '') {
      return false;
    }
    var n = Number(t);
    var found = radios(fieldset).filter(function (r) {
      if (r.value === '') {
        return false;
      }
      var label = doc.querySelector('label[for="' + r.id + '"]').textContent;
      return (isFinite(n) && Number(r.value) === n) || loose(label) === loose(t);
    })[0];
    if (found) {
      found.checked = true;
    }
    return Boolean(found);
  }
  function load(name, text) {
    var rows = parse(text);
    if (rows.length < 2) {
      setStatus(name + ' holds no answers: expected a header line and a line of answers.');
      return;
    }
    var header = rows[0];
    var values = rows[1];
    var byItem = {};
    statements.forEach(function (f) {
      byItem[loose(f.getAttribute('data-item'))] = f;
    });
    var loaded = 0;
    var unknown = [];
    var unread = [];
    statements.forEach(function (f) {
      radios(f).forEach(function (r) {
        r.checked = false;
      });
    });
    header.forEach(function (column, i) {
      if (i === 0) {
        return;
      }
      var f = byItem[loose(column.replace(/^'/, ''))];
      if (!f) {
        unknown.push(column);
      } else if (choose(f, values[i] || '')) {
        loaded += 1;
      } else if ((values[i] || '').trim() !== '') {
        unread.push(column + ' "' + values[i] + '"');
      }
    });
    respondent.value = (values[0] || '').replace(/^'/, '');
    update();
    store();
    var notes = [];
    if (rows.length > 2) {
      notes.push('the file holds ' + (rows.length - 1) + ' respondents; the first was loaded');
    }
    if (unknown.length) {
      notes.push('columns not in this survey: ' + unknown.slice(0, 5).join(', '));
    }
    if (unread.length) {
      notes.push('answers not on the scale: ' + unread.slice(0, 5).join(', '));
    }
    setStatus('Loaded ' + loaded + ' answers from ' + name + (notes.length ? ' (' + notes.join('; ') + ').' : '.'));
  }

  statements.forEach(function (f) {
    f.addEventListener('change', function () {
      update();
      store();
    });
  });
  respondent.addEventListener('input', store);
  doc.getElementById('download').addEventListener('click', download);
  doc.getElementById('load').addEventListener('change', function (e) {
    var file = e.target.files[0];
    if (!file) {
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      load(file.name, String(reader.result));
    };
    reader.onerror = function () {
      setStatus('Could not read ' + file.name + '.');
    };
    reader.readAsText(file);
    e.target.value = '';
  });
  doc.getElementById('clear').addEventListener('click', function () {
    if (!window.confirm('Clear all your answers on this page?')) {
      return;
    }
    statements.forEach(function (f) {
      radios(f).forEach(function (r) {
        r.checked = false;
      });
    });
    respondent.value = '';
    update();
    store();
    setStatus('All answers cleared.');
  });
  steps.forEach(function (s, i) {
    s.classList.add('step');
    var back = s.querySelector('button.back');
    var next = s.querySelector('button.next');
    if (back) {
      back.addEventListener('click', function () {
        go(i - 1);
      });
    }
    if (next) {
      next.addEventListener('click', function () {
        go(i + 1);
      });
    }
  });
  window.addEventListener('hashchange', function () {
    var i = stepOf(location.hash);
    if (i >= 0) {
      show(i, true);
      store();
    }
  });

  var saved = restore();
  var fromHash = stepOf(location.hash);
  show(fromHash >= 0 ? fromHash : saved, false);
  update();
}());
