// Sections computed after the page: each element with data-fragment is replaced by the HTML fetched from that
// address (same origin, the user's session). Without JavaScript, or when the fetch fails, its link stays.
(function () {
  "use strict";
  document.querySelectorAll("[data-fragment]").forEach(function (slot) {
    fetch(slot.dataset.fragment, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        slot.replaceWith.apply(slot, Array.prototype.slice.call(holder.childNodes));
      })
      .catch(function () {
        slot.removeAttribute("aria-busy");
        var loading = slot.querySelector(".loading");
        if (loading) loading.remove();
      });
  });
})();
