import { initAll } from '/assets/govuk-frontend/dist/govuk/govuk-frontend.min.js'

initAll()

// A rating clicked in the email is kept provisionally, but only on a signal that a person is
// here (a trusted interaction, or leaving after the page was visible a while): mail scanners
// that merely fetch or render the link never send it. Send confirms or replaces it.
const form = document.querySelector('form[data-provisional-url]')
if (form) {
  const shownAt = Date.now()
  let sent = false
  const chosen = () => form.querySelector('input[name="score"]:checked')
  const send = (beacon) => {
    const radio = chosen()
    if (sent || !radio) return
    sent = true
    const body = new FormData()
    body.append('csrf_token', form.querySelector('input[name="csrf_token"]').value)
    body.append('score', radio.value)
    const url = form.dataset.provisionalUrl
    if (beacon && navigator.sendBeacon) navigator.sendBeacon(url, body)
    else fetch(url, { method: 'POST', body, credentials: 'same-origin', keepalive: true })
  }
  const onPerson = (event) => { if (event.isTrusted) send(false) }
  for (const type of ['pointerdown', 'keydown', 'touchstart', 'change']) {
    form.addEventListener(type, onPerson, { once: true })
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden' && Date.now() - shownAt > 3000) send(true)
  })
  form.addEventListener('submit', () => { sent = true })
}
