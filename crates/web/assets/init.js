// confer's only script. The Content-Security-Policy allows no inline script, so
// the classes govuk-frontend's page template sets with an inline snippet are
// set here instead. Browsers that run ES modules are the ones govuk-frontend
// supports, so reaching this line means the page can have its JavaScript
// enhancements; without JavaScript every page still works.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
