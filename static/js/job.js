// The statistics refresh page: poll the job every second until it has finished, updating the progress bar;
// on success show the way back to the dashboard, on failure reload to show the error.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !box.dataset.poll) return;
  var url = box.dataset.poll;
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (job) {
        document.getElementById("job-progress").value = job.progress;
        document.getElementById("job-percent").textContent = job.progress;
        document.getElementById("job-status").textContent = job.status_label;
        document.getElementById("job-message").textContent = job.message;
        if (job.failed) { window.location.reload(); return; }
        if (job.finished) { document.getElementById("job-done").hidden = false; return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
