// Customer-facing messages in Spanish.
import type { MessageTable } from "./table.js";

const review = "Nuestro equipo lo revisa y te confirmamos por aquí.";

export const es: MessageTable = {
  fieldNames: {
    name: "tu nombre",
    phone: "tu teléfono",
    address: "tu dirección de entrega",
    city: "tu ciudad",
  },
  and: "y",
  total: "Total",

  askMissingFields: (fields) => `Para preparar tu pedido me falta ${fields}. ¿Me lo compartes?`,
  reaskInvalidFields: (fields, phoneHint) =>
    `No pude registrar ${fields}${phoneHint}. ¿Me lo escribes de nuevo?`,
  alsoMissingFields: (fields) => `También me falta ${fields}.`,
  phoneHint: " (el teléfono con lada, por ejemplo 55 1234 5678)",

  promos: {
    header: "Estas son nuestras promociones:",
    saving: (amount) => ` (ahorras ${amount})`,
    footer: "Responde con el número de la opción que prefieras.",
  },
  draftSummary: { heading: "Tu selección:", closing: "¿Confirmas tu pedido? Responde sí o no." },
  orderPlaced: { heading: "¡Listo! Registré tu pedido:", closing: review },
  orderAlreadyRegistered: { heading: "Tu pedido ya estaba registrado y está en revisión:", closing: review },
  timeoutOrderPlaced: {
    headingDefault: "Como no alcanzamos a confirmar tu elección, registré tu pedido con la opción básica:",
    headingSelection: "Como no alcanzamos a confirmar, registré tu pedido con la opción que elegiste:",
    closing:
      "Nuestro equipo lo revisa y te confirmamos por aquí. Si prefieres otra opción, respóndeme con el número o el producto y una persona de nuestro equipo cambia tu pedido antes de aprobarlo.",
  },

  chooseAnOption: "¿Qué opción te gustaría? Escribe el número de la lista.",
  unknownOption: "Esa opción no está en nuestra lista.",
  orderAlreadyPending: "Tu pedido ya está registrado y en revisión; te avisamos en cuanto se apruebe.",
  orderChangeHandoff:
    "Claro. Le paso tu cambio a una persona de nuestro equipo para que ajuste tu pedido antes de aprobarlo; en breve te escribe.",
  handoffNotice: "Te comunico con una persona de nuestro equipo; en breve te responde.",
  goodbyeNotice: "Gracias por escribirnos. Aquí estaremos cuando quieras hacer tu pedido.",
  pricesAreTheListed: "Los precios son los de nuestra lista oficial:",
  brainFallbackReply:
    "Disculpa, tuve un problema para responderte. Una persona de nuestro equipo te escribirá en breve.",
  orderNotPlaced:
    "No pude registrar tu pedido en este momento. Una persona de nuestro equipo lo revisa y te escribe en breve.",
  dataCollectionNudge: (fields) =>
    `¿Sigues ahí? Para preparar tu pedido solo me falta ${fields}. Escríbemelo cuando puedas.`,
  orderDecision: {
    approved: (name, orderId, total) =>
      `¡Buenas noticias, ${name}! Tu pedido ${orderId} (${total}) está confirmado. Te avisaremos cuando vaya en camino.`,
    rejected: (name, orderId, reason) =>
      `Hola ${name}, lo sentimos: no pudimos confirmar tu pedido ${orderId}.${reason ? ` Motivo: ${reason}.` : ""} Si quieres, responde aquí y con gusto te ayudamos a encontrar otra opción.`,
    expired: (name, orderId) =>
      `Hola ${name}, lo sentimos: no alcanzamos a revisar tu pedido ${orderId} a tiempo, así que no quedó registrado. Responde aquí si aún lo quieres y te ayudamos enseguida.`,
  },
};
