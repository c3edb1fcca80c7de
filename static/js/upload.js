/* Envoice uploads: drag and drop many files, or capture photos, each sent to the REST API with its
   own progress bar; a slow or dropped connection is retried with backoff. No dependencies. */
(function () {
  "use strict";
  var MAX_ATTEMPTS = 5;
  var PARALLEL = 3;

  function csrfToken(root) {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setup(root) {
    var endpoint = root.dataset.endpoint;
    var maxBytes = parseInt(root.dataset.maxBytes || "0", 10);
    var list = root.querySelector("[data-list]");
    var summary = root.querySelector("[data-summary]");
    var queue = [];
    var running = 0;
    var counts = { done: 0, failed: 0, kept: 0 };
    var kept = {};  // upload id → job, for files the service worker keeps until the connection is back
    var nextId = 0;

    function field(name) {
      var el = root.querySelector("[name=" + name + "]");
      return el ? el.value : "";
    }

    function updateSummary() {
      var waiting = queue.length + running;
      var read = list.querySelectorAll("[data-read]").length;
      summary.textContent = counts.done + " uploaded" + (counts.failed ? ", " + counts.failed + " failed" : "") +
        (counts.kept ? ", " + counts.kept + " kept on this device until the connection is back" : "") +
        (waiting ? ", " + waiting + " in progress" : "") +
        (counts.done ? " · " + read + " of " + counts.done + " read" : "");
    }

    function done(job, body) {
      job.item.className = "done";
      job.item.dataset.documentId = body.id;
      counts.done += 1;
      followDocument(job, body);
      updateSummary();
    }

    if (navigator.serviceWorker) {
      navigator.serviceWorker.addEventListener("message", function (event) {
        var message = event.data || {};
        var job = kept[message.upload];
        if (!job) { return; }
        delete kept[message.upload];
        counts.kept -= 1;
        if (message.type === "uploaded") { done(job, message.body || {}); }
        else { fail(job, (message.body && message.body.detail) || ("Error " + message.status)); }
      });
    }

    // After the upload, the file's state comes from the server (documents/_state.html), which
    // polls itself with htmx until the document has been read.
    function followDocument(job, body) {
      var name = job.item.querySelector(".name");
      var link = document.createElement("a");
      link.href = (body.links && body.links.review) || ("/documents/" + body.id + "/");
      link.textContent = job.file.name;
      link.dataset.testid = "upload-link";
      name.textContent = "";
      name.appendChild(link);
      var current = job.item.querySelector(".state");
      var next = document.createElement("span");
      next.className = "state";
      next.textContent = body.duplicate_of ? "Uploaded — duplicate of #" + body.duplicate_of : "Uploaded";
      if (window.htmx && root.dataset.stateUrl) {
        next.setAttribute("hx-get", root.dataset.stateUrl.replace("/0/", "/" + body.id + "/"));
        next.setAttribute("hx-trigger", "load");
        next.setAttribute("hx-swap", "outerHTML");
      }
      current.replaceWith(next);
      if (window.htmx) { window.htmx.process(next); }
    }
    document.addEventListener("htmx:load", updateSummary);

    function add(files) {
      Array.prototype.forEach.call(files, function (file) {
        var item = document.createElement("li");
        item.innerHTML = '<span class="name"></span><progress max="100" value="0"></progress><span class="state">Waiting</span>';
        item.querySelector(".name").textContent = file.name;
        list.appendChild(item);
        nextId += 1;
        var job = {
          id: Date.now() + "-" + nextId, file: file, item: item, attempts: 0,
          type: field("type"), report: field("expense_report"),
        };
        if (maxBytes && file.size > maxBytes) {
          fail(job, "Too large (" + (file.size / 1048576).toFixed(1) + " MB); the limit is " + Math.floor(maxBytes / 1048576) + " MB.");
          return;
        }
        queue.push(job);
      });
      pump();
    }

    function pump() {
      while (running < PARALLEL && queue.length) { send(queue.shift()); }
      updateSummary();
    }

    function state(job, text) { job.item.querySelector(".state").textContent = text; }

    function fail(job, message) {
      job.item.className = "failed";
      state(job, message);
      var retry = document.createElement("button");
      retry.type = "button";
      retry.textContent = "Retry";
      retry.addEventListener("click", function () {
        retry.remove();
        job.item.className = "";
        job.attempts = 0;
        counts.failed -= 1;
        queue.push(job);
        pump();
      });
      job.item.appendChild(retry);
      counts.failed += 1;
      updateSummary();
    }

    function send(job) {
      running += 1;
      job.attempts += 1;
      var bar = job.item.querySelector("progress");
      var form = new FormData();
      form.append("file", job.file, job.file.name);
      form.append("source", root.dataset.source || "browser");
      if (job.type) { form.append("type", job.type); }
      if (job.report) { form.append("expense_report", job.report); }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", endpoint);
      xhr.setRequestHeader("X-CSRFToken", csrfToken(root));
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Envoice-Upload", job.id);
      xhr.timeout = 120000;
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); state(job, bar.value + " %"); }
      };
      function finished() { running -= 1; pump(); }
      function transient(reason) {
        if (job.attempts < MAX_ATTEMPTS) {
          var wait = Math.min(30, Math.pow(2, job.attempts));
          state(job, reason + " — retrying in " + wait + " s");
          setTimeout(function () { queue.unshift(job); pump(); }, wait * 1000);
        } else {
          fail(job, reason + ". Check the connection and retry.");
        }
        finished();
      }
      xhr.onload = function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
        if (xhr.status === 201) {
          bar.value = 100;
          done(job, body);
          finished();
        } else if (xhr.status === 202 && body.queued) {
          // No signal: the service worker keeps the photo and sends it when the connection is back.
          job.item.className = "kept";
          state(job, "Kept on this device — sent when the connection is back");
          kept[job.id] = job;
          counts.kept += 1;
          finished();
        } else if (xhr.status >= 500 || xhr.status === 429 || xhr.status === 0) {
          transient("Server busy (" + xhr.status + ")");
        } else {
          var message = body.detail || Object.keys(body).map(function (k) { return k + ": " + body[k]; }).join("; ") || ("Error " + xhr.status);
          fail(job, message);
          finished();
        }
      };
      xhr.onerror = function () { transient("Connection lost"); };
      xhr.ontimeout = function () { transient("Connection too slow"); };
      state(job, job.attempts > 1 ? "Retrying (" + job.attempts + ")" : "Sending");
      xhr.send(form);
    }

    Array.prototype.forEach.call(root.querySelectorAll("[data-input]"), function (input) {
      input.addEventListener("change", function () { add(input.files); input.value = ""; });
    });
    var choose = root.querySelector("[data-choose]");
    var zone = root.querySelector("[data-dropzone]");
    if (choose) {
      choose.addEventListener("click", function () { root.querySelector("[data-input]").click(); });
    }
    if (zone) {
      zone.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); root.querySelector("[data-input]").click(); }
      });
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove("over"); });
      });
      zone.addEventListener("drop", function (e) { if (e.dataTransfer && e.dataTransfer.files) { add(e.dataTransfer.files); } });
    }
    window.addEventListener("beforeunload", function (e) {
      if (queue.length + running) { e.preventDefault(); e.returnValue = ""; }
    });
  }

  document.querySelectorAll("[data-uploader]").forEach(setup);
})();
