import { initAll } from '/assets/govuk-frontend/dist/govuk/govuk-frontend.min.js'

initAll()

// A rating is kept provisionally only once a person is here: a trusted pointer, touch or key
// event on the form (event.isTrusted: a script, a link scanner's included, cannot make one by
// dispatching events). Opening, rendering, hiding or closing the page alone sends nothing, so a
// scanner that runs this script never records the rating preselected from the email's link.
// The field `interaction` tells the server which event it was; a scanner could forge that
// field by posting directly, so this check here is the real guard. Send confirms or replaces it.
const form = document.querySelector('form[data-provisional-url]')
if (form) {
  let person = ''
  let sentScore = null
  let submitted = false
  const chosen = () => form.querySelector('input[name="score"]:checked')
  const send = (beacon) => {
    const radio = chosen()
    if (!person || submitted || !radio || radio.value === sentScore) return
    sentScore = radio.value
    const body = new FormData()
    body.append('csrf_token', form.querySelector('input[name="csrf_token"]').value)
    body.append('score', radio.value)
    body.append('interaction', person)
    const url = form.dataset.provisionalUrl
    if (beacon && navigator.sendBeacon) navigator.sendBeacon(url, body)
    else fetch(url, { method: 'POST', body, credentials: 'same-origin', keepalive: true })
  }
  for (const type of ['pointerdown', 'touchstart', 'keydown']) {
    form.addEventListener(type, (event) => { if (event.isTrusted && !person) person = type }, true)
  }
  // A click (a preselected rating confirmed) or a change of rating, by the person: keep it now.
  for (const type of ['click', 'change']) {
    form.addEventListener(type, (event) => { if (event.isTrusted && person) send(false) })
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') send(true)
  })
  window.addEventListener('pagehide', () => send(true))
  form.addEventListener('submit', () => { submitted = true })
}
