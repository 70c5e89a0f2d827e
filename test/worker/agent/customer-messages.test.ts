// The offline brain against messages written the way customers write on WhatsApp (Mexican Spanish,
// informal, typos): each row is one customer message in a situation, with the data the turn must
// store, the pack it must select (or not), and what the reply must (not) say. Each row runs the real
// rules brain and the real plan (turn/plan-decision.ts).
import { describe, expect, it } from "vitest";
import type { CollectedFields, ConversationMode } from "../../../shared/domain/conversation.js";
import type { OrderSelectionLine } from "../../../shared/domain/pricing.js";
import { createRulesBrain } from "../../../worker/agent/brain/rules.js";
import type { ChatMessage } from "../../../worker/agent/brain/types.js";
import { newConversation, turn } from "./support/simulate.js";

const brain = createRulesBrain();
const WA = "+5215550001111";
const ANA: CollectedFields = {
  name: "Ana López",
  phone: WA,
  address: "Av. Reforma 123, Col. Centro",
  city: "CDMX",
};
const LIST = "Estas son nuestras promociones:\n1. Colágeno — 1x: $499.00 MXN\n2. Colágeno — 2x: $899.00 MXN";
const MAGNESIO_Q: ChatMessage[] = [
  { direction: "in", text: "y el magnesio cuanto sale?" },
  { direction: "out", text: "Magnesio + zinc (90 cápsulas): opción 4 — 1x …" },
];
const COLAGENO_2X: OrderSelectionLine[] = [{ sku: "COLAGENO-500", pack: "2x", qty: 1 }];

interface Row {
  text: string;
  mode?: ConversationMode;
  collected?: Partial<CollectedFields>;
  draft?: OrderSelectionLine[];
  history?: ChatMessage[];
  /** Fields the turn stores (exactly these keys, phone default included). */
  saves?: Partial<CollectedFields>;
  /** The draft after the turn: lines, null (no selection any more) or undefined (unchanged/none). */
  draftAfter?: OrderSelectionLine[] | null;
  ordered?: boolean;
  says?: RegExp[];
  never?: RegExp[];
}

const collecting = { mode: "collecting_data" as const };
const ROWS: Row[] = [
  // Data, as people write it
  {
    text: "hola",
    mode: "greeting",
    saves: { phone: WA },
    says: [/tu nombre, tu dirección de entrega y tu ciudad/],
    never: [/tu teléfono/],
  },
  {
    text: "soy Ana, vivo en Av Reforma 123 CDMX",
    ...collecting,
    saves: { name: "Ana", address: "Av Reforma 123", city: "CDMX", phone: WA },
  },
  {
    text: "me llamo Juan Pérez",
    ...collecting,
    saves: { name: "Juan Pérez", phone: WA },
    says: [/tu dirección de entrega y tu ciudad/],
  },
  { text: "Ana López", ...collecting, saves: { name: "Ana López", phone: WA } },
  {
    text: "vivo en calle Hidalgo 45 col centro GDL",
    ...collecting,
    collected: { name: "Ana" },
    saves: { address: "calle Hidalgo 45 col centro", city: "Guadalajara", phone: WA },
  },
  {
    text: "Av. Constitución 300, Centro, MTY",
    ...collecting,
    collected: { name: "Ana" },
    saves: { address: "Av. Constitución 300, Centro", city: "Monterrey", phone: WA },
  },
  {
    text: "Monterrey",
    ...collecting,
    collected: { name: "Ana", address: "Juárez 45" },
    saves: { city: "Monterrey", phone: WA },
    says: [/datos completos/],
  },
  {
    text: "cdmx",
    ...collecting,
    collected: { name: "Ana", address: "Juárez 45" },
    saves: { city: "CDMX", phone: WA },
  },
  {
    text: "Ana Martínez, Av Juárez 45, Guadalajara",
    ...collecting,
    saves: { name: "Ana Martínez", address: "Av Juárez 45", city: "Guadalajara", phone: WA },
  },
  {
    text: "es este mismo número",
    ...collecting,
    collected: { name: "Ana" },
    saves: { phone: WA },
    never: [/No pude registrar/, /tu teléfono/],
  },
  {
    text: "a este numero porfa",
    ...collecting,
    collected: { name: "Ana", phone: WA },
    saves: {},
    never: [/No pude registrar/],
  },
  {
    text: "mi cel es 33 1234 5678",
    ...collecting,
    collected: { name: "Ana" },
    saves: { phone: "+523312345678" },
  },
  {
    text: "mejor mandalo al tel 81 2345 6789",
    ...collecting,
    collected: { name: "Ana", phone: WA },
    saves: { phone: "+528123456789" },
  },
  {
    text: "mi telefono es 12345",
    ...collecting,
    collected: { name: "Ana" },
    saves: {},
    says: [/No pude registrar tu teléfono/, /También me falta tu dirección de entrega y tu ciudad/],
    never: [/Para preparar tu pedido me falta/],
  },
  {
    text: "mi dirección es Insurgentes Sur 1602 y mi ciudad es Puebla",
    ...collecting,
    collected: { name: "Ana" },
    saves: { address: "Insurgentes Sur 1602", city: "Puebla", phone: WA },
  },
  {
    text: "me llamo Sofía y vivo en Calle 5 de Mayo 20, Querétaro",
    ...collecting,
    saves: { name: "Sofía", address: "Calle 5 de Mayo 20", city: "Querétaro", phone: WA },
  },
  {
    text: "Hola soy de MTY",
    mode: "greeting",
    saves: { city: "Monterrey", phone: WA },
    says: [/tu nombre y tu dirección de entrega/],
  },
  {
    text: "no tengo número interior",
    ...collecting,
    collected: { name: "Ana" },
    draft: COLAGENO_2X,
    draftAfter: undefined,
  },
  // Answers
  {
    text: "sí",
    ...collecting,
    collected: { name: "Ana", phone: WA },
    saves: {},
    says: [/tu dirección de entrega y tu ciudad/],
  },
  {
    text: "va",
    mode: "promos",
    collected: ANA,
    draft: COLAGENO_2X,
    ordered: true,
    says: [/Registré tu pedido/],
  },
  { text: "ok", mode: "promos", collected: ANA, draft: COLAGENO_2X, ordered: true },
  { text: "dale", mode: "promos", collected: ANA, draft: COLAGENO_2X, ordered: true },
  { text: "siii porfa", mode: "promos", collected: ANA, draft: COLAGENO_2X, ordered: true },
  { text: "sale, así está bien", mode: "promos", collected: ANA, draft: COLAGENO_2X, ordered: true },
  // Products and prices
  {
    text: "cuánto cuesta el colágeno?",
    ...collecting,
    saves: { phone: WA },
    says: [/Colágeno hidrolizado/, /\$499\.00 MXN/, /\$899\.00 MXN/],
    never: [/Magnesio/, /Omega/, /me falta/],
  },
  {
    text: "precio del magnesio",
    ...collecting,
    saves: { phone: WA },
    says: [/Magnesio \+ zinc/, /\$349\.00 MXN/],
    never: [/Colágeno/],
  },
  {
    text: "q precio tiene el colajeno??",
    ...collecting,
    saves: { phone: WA },
    says: [/Colágeno/],
    never: [/Omega/],
  },
  {
    text: "tienes omega?",
    mode: "promos",
    collected: ANA,
    says: [/Omega 3/, /\$399\.00 MXN/],
    never: [/Colágeno/],
  },
  // Quantities are not option numbers
  {
    text: "quiero 2",
    ...collecting,
    history: [{ direction: "in", text: "cuánto cuesta el colágeno?" }],
    draftAfter: COLAGENO_2X,
    says: [/Tu selección/, /\$899\.00 MXN/, /me falta/],
  },
  {
    text: "quiero 2",
    mode: "promos",
    collected: ANA,
    history: [{ direction: "out", text: LIST }, ...MAGNESIO_Q],
    draftAfter: [{ sku: "MAGNESIO-ZINC", pack: "2x", qty: 1 }],
    never: [/Colágeno/],
  },
  {
    text: "dame 3 frascos de omega",
    mode: "promos",
    collected: ANA,
    draftAfter: [{ sku: "OMEGA3-120", pack: "3x", qty: 1 }],
  },
  {
    text: "2",
    mode: "promos",
    collected: ANA,
    history: [{ direction: "out", text: LIST }],
    draftAfter: COLAGENO_2X,
  },
  {
    text: "la 5",
    mode: "promos",
    collected: ANA,
    history: [{ direction: "out", text: LIST }],
    draftAfter: [{ sku: "MAGNESIO-ZINC", pack: "2x", qty: 1 }],
  },
  {
    text: "opcion 7 porfavor",
    mode: "promos",
    collected: ANA,
    draftAfter: [{ sku: "OMEGA3-120", pack: "1x", qty: 1 }],
  },
  // Ambiguous choices get a short question naming the options
  {
    text: "quiero 2",
    mode: "promos",
    collected: ANA,
    saves: {},
    says: [/¿De cuál producto quieres 2\?/, /Colágeno/, /Magnesio/, /Omega/],
    draftAfter: undefined,
  },
  {
    text: "quiero colágeno",
    mode: "promos",
    collected: ANA,
    says: [/¿Cuál te gustaría\?/, /opción 1 — 1 frasco: \$499\.00 MXN/, /opción 3 — 3 frascos/],
    draftAfter: undefined,
  },
  {
    text: "quiero colageno y magnesio",
    mode: "promos",
    collected: ANA,
    says: [/Colágeno/, /Magnesio/],
    draftAfter: undefined,
  },
  // Turning a selection down
  {
    text: "no, del magnesio",
    mode: "promos",
    collected: ANA,
    draft: COLAGENO_2X,
    draftAfter: null,
    says: [/Magnesio/],
    never: [/Registré/],
  },
  {
    text: "no gracias, mejor no",
    mode: "promos",
    collected: ANA,
    draft: COLAGENO_2X,
    draftAfter: null,
    never: [/Registré/],
  },
  {
    text: "mejor no, quiero 3 de magnesio",
    mode: "promos",
    collected: ANA,
    draft: COLAGENO_2X,
    draftAfter: [{ sku: "MAGNESIO-ZINC", pack: "3x", qty: 1 }],
  },
];

describe("rules brain: customer messages as they are written", () => {
  it("has at least 30 rows", () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(ROWS.map((row, i) => [`${i + 1}: ${row.text}`, row] as const))("%s", async (_name, row) => {
    const c = newConversation(WA);
    c.mode = row.mode ?? "collecting_data";
    c.collected = { ...(row.collected ?? {}) };
    c.orderDraft = row.draft ?? null;
    c.history = row.history ?? [];
    const r = await turn(c, brain, [row.text]);
    const sent = r.sent.join("\n");
    if (row.saves) expect(r.plan.saveFields).toEqual(row.saves);
    if ("draftAfter" in row) {
      if (row.draftAfter === undefined) expect(r.plan.orderDraft ?? undefined).toBeUndefined();
      else if (row.draftAfter === null) expect(r.plan.orderDraft).toBeNull();
      else expect(r.plan.orderDraft?.lines).toEqual(row.draftAfter);
    }
    expect(Boolean(r.plan.createOrder)).toBe(row.ordered ?? false);
    for (const pattern of row.says ?? []) expect(sent).toMatch(pattern);
    for (const pattern of row.never ?? []) expect(sent).not.toMatch(pattern);
  });
});
