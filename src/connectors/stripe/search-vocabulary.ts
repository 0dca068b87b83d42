// Words people use for Stripe's actions that the catalogue's own text does not contain: a customer is
// also a client or buyer, an invoice a bill, a dispute a chargeback. Generic English verbs (find,
// remove, …) are the search's own; these are Stripe's domain.
import type { SearchVocabulary } from '../actions.js';

export const stripeVocabulary: SearchVocabulary = {
  stopWords: ['stripe'],
  pathPrefix: '/v1/',
  synonyms: {
    client: ['customer'],
    user: ['customer'],
    buyer: ['customer'],
    sub: ['subscription'],
    payment: ['payment', 'charge'],
    pay: ['payment', 'pay'],
    money: ['balance', 'payout'],
    withdraw: ['payout'],
    bill: ['invoice'],
    receipt: ['charge', 'invoice'],
    coupon: ['coupon', 'discount'],
    webhook: ['webhook', 'endpoint'],
    card: ['card', 'payment', 'method'],
    dispute: ['dispute'],
    chargeback: ['dispute'],
    price: ['price', 'plan'],
    plan: ['plan', 'price'],
    product: ['product'],
    reimburse: ['refund'],
    refund: ['refund'],
    transaction: ['transaction', 'charge'],
    email: ['email'],
  },
};
