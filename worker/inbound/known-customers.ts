// The customers this gateway has stored a message for: their contact and conversation ids, which
// never change, and what it last wrote on the contact. A known customer's next message then needs
// no lookup and no contact write (unless their WhatsApp name changed): it is stored, takes its seq
// and is announced. Bounded; the least recently seen are forgotten first and read again when they
// write.
import type { ContactDoc } from "../../shared/db/index.js";

/** What announcing a message needs of its contact. */
export type ContactView = Pick<ContactDoc, "_id" | "phone" | "profileName" | "createdAt">;

export interface KnownCustomer {
  conversationId: string;
  contact: ContactView;
}

export class KnownCustomers {
  private readonly byPhone = new Map<string, KnownCustomer>();

  constructor(private readonly max = 20_000) {}

  get(phone: string): KnownCustomer | undefined {
    const known = this.byPhone.get(phone);
    if (known) {
      // Most recently seen last: the first entries are the ones to forget.
      this.byPhone.delete(phone);
      this.byPhone.set(phone, known);
    }
    return known;
  }

  remember(phone: string, conversationId: string, contact: ContactView): void {
    this.byPhone.delete(phone);
    this.byPhone.set(phone, {
      conversationId,
      contact: {
        _id: contact._id,
        phone: contact.phone,
        createdAt: contact.createdAt,
        ...(contact.profileName ? { profileName: contact.profileName } : {}),
      },
    });
    while (this.byPhone.size > this.max) {
      const oldest = this.byPhone.keys().next().value;
      if (oldest === undefined) break;
      this.byPhone.delete(oldest);
    }
  }
}

/** The WhatsApp name as the contact stores it (contacts.upsertByPhone trims it and keeps 120 characters). */
export function storedProfileName(name: string | undefined): string | undefined {
  return name?.trim().slice(0, 120) || undefined;
}
