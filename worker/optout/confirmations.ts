// What the customer reads after writing an opt-out or opt-in keyword. Spanish first (the business is
// in Mexico), with the keyword that undoes it, so the customer always knows the way back.
import type { OptKeywords } from "./keywords.js";

export function optOutConfirmation(keywords: OptKeywords): string {
  const optIn = keywords.optIn[0] ?? "START";
  return `Listo, no te enviaremos más mensajes. Si cambias de opinión, escribe ${optIn}.`;
}

export function optInConfirmation(keywords: OptKeywords): string {
  const optOut = keywords.optOut[0] ?? "STOP";
  return `¡Bienvenido de vuelta! Volverás a recibir nuestros mensajes. Para dejar de recibirlos, escribe ${optOut}.`;
}
