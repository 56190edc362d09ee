(() => {
  const set = (id, text) => { const e = document.getElementById('stat-' + id); if (e) e.textContent = text; };
  // A finished cleanup always took some time: zero means none has run yet.
  const duration = (ms, removed) => ms === 0 ? 'none yet' : (ms < 1 ? ms.toFixed(3) : ms.toFixed(1)) + ' ms, ' + removed + ' removed';
  async function refresh() {
    try {
      const r = await fetch('/api/stats', { cache: 'no-store' });
      if (!r.ok) throw new Error(r.status);
      const s = await r.json();
      set('sessions', s.sessions); set('created', s.created);
      set('expired', s.ended.expired); set('deleted', s.ended.deleted);
      set('evicted', s.ended.evicted); set('renewed', s.ended.renewed);
      set('cleanup', duration(s.lastCleanup.durationMs, s.lastCleanup.removed));
      document.getElementById('stats-updated').textContent = 'Updated ' + new Date().toLocaleTimeString() + '; refreshes every 2 seconds.';
    } catch (e) {
      document.getElementById('stats-updated').textContent = 'The server did not answer; retrying.';
    }
  }
  setInterval(refresh, 2000);
})();
