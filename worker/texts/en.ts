// Customer-facing messages in English.
import type { MessageTable } from "./table.js";

const review = "Our team will review it and confirm here.";

export const en: MessageTable = {
  fieldNames: {
    name: "your name",
    phone: "your phone number",
    address: "your delivery address",
    city: "your city",
  },
  and: "and",
  total: "Total",

  askMissingFields: (fields) => `To prepare your order I still need ${fields}. Could you send it?`,
  reaskInvalidFields: (fields, phoneHint) =>
    `I couldn't save ${fields}${phoneHint}. Could you write it again?`,
  alsoMissingFields: (fields) => `I also still need ${fields}.`,
  phoneHint: " (the phone with its area code, e.g. +1 555 123 4567)",

  promos: {
    header: "These are our offers:",
    saving: (amount) => ` (save ${amount})`,
    footer: "Reply with the number of the option you prefer.",
  },
  draftSummary: { heading: "Your selection:", closing: "Do you confirm your order? Reply yes or no." },
  orderPlaced: { heading: "Done! I registered your order:", closing: review },
  orderAlreadyRegistered: {
    heading: "Your order was already registered and is under review:",
    closing: review,
  },
  timeoutOrderPlaced: {
    headingDefault: "As we could not confirm your choice, I registered your order with the basic option:",
    headingSelection: "As we could not confirm, I registered your order with the option you chose:",
    closing:
      "Our team will review it and confirm here. If you prefer another option, reply with its number or the product and a person on our team will change your order before approving it.",
  },

  chooseAnOption: "Which option would you like? Write its number from the list.",
  unknownOption: "That option is not on our list.",
  orderAlreadyPending:
    "Your order is already registered and under review; we'll let you know as soon as it's approved.",
  orderChangeHandoff:
    "Sure. I'm passing your change to a person on our team, who will adjust your order before approving it.",
  handoffNotice: "I'm passing you to a person on our team; they'll reply shortly.",
  goodbyeNotice: "Thanks for writing to us. We'll be here whenever you want to order.",
  pricesAreTheListed: "Our prices are the ones on our official list:",
  brainFallbackReply:
    "Sorry, I had a problem answering you. Someone from our team will write to you shortly.",
  orderNotPlaced:
    "I couldn't register your order just now. Someone from our team will look at it and write to you shortly.",
  dataCollectionNudge: (fields) =>
    `Are you still there? To prepare your order I only need ${fields}. Send it whenever you can.`,
  orderDecision: {
    approved: (name, orderId, total) =>
      `Good news, ${name}! Your order ${orderId} (${total}) is confirmed. We will let you know when it is on its way.`,
    rejected: (name, orderId, reason) =>
      `Hi ${name}, we are sorry: we could not confirm your order ${orderId}.${reason ? ` Reason: ${reason}.` : ""} If you like, reply here and we will gladly help you find another option.`,
    expired: (name, orderId) =>
      `Hi ${name}, we are sorry: we could not review your order ${orderId} in time, so it was not placed. Reply here if you still want it and we will help you right away.`,
  },
};
