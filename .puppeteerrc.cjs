// whatsapp-web.js depends on puppeteer; never download its Chrome: Debian's chromium is used (WHATSAPP_CHROMIUM_PATH).
module.exports = { skipDownload: true };
