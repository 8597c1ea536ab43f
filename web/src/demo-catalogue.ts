/**
 * The demo store's catalogue: what the catalogue view lists beside the products the service has content
 * for (`GET /v1/products`). Each product's fields are a valid `product_description` / `seo_meta` input.
 */
import type { Tone } from './types.ts';

export interface DemoProduct {
  productId: string;
  name: string;
  category?: string;
  features?: string[];
  keywords?: string[];
  tone?: Tone;
}

export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  { productId: 'p-abaca-tote', name: 'Handwoven Abaca Tote Bag', category: 'Bags', features: ['hand-woven abaca fibre', 'cotton lining', 'inner zip pocket', 'leather handles'], keywords: ['abaca bag', 'eco tote'] },
  { productId: 'p-dried-mango', name: 'Cebu Dried Mangoes 200g', category: 'Snacks', features: ['made from ripe Carabao mangoes', 'no artificial colouring', 'resealable pouch'], keywords: ['dried mango', 'pasalubong'] },
  { productId: 'p-barako-coffee', name: 'Kapeng Barako Whole Beans 500g', category: 'Coffee', features: ['Liberica beans from Batangas', 'medium-dark roast', 'roasted weekly'], keywords: ['barako coffee', 'liberica beans'] },
  { productId: 'p-pina-shirt', name: 'Piña-Silk Barong Tagalog', category: 'Menswear', features: ['piña and silk blend', 'hand embroidery', 'sizes S to XXL'], keywords: ['barong tagalog', 'formal wear'] },
  { productId: 'p-coco-oil', name: 'Virgin Coconut Oil 250ml', category: 'Health & Beauty', features: ['cold-pressed', 'glass bottle', 'for cooking and skin care'], keywords: ['virgin coconut oil', 'VCO'] },
  { productId: 'p-phone-case', name: 'Shockproof Clear Phone Case', category: 'Phone Accessories', features: ['raised camera lip', 'anti-yellowing TPU', 'wireless-charging compatible'], keywords: ['clear phone case', 'shockproof case'] },
  { productId: 'p-tablea', name: 'Pure Cacao Tablea, 10 pieces', category: 'Baking & Cooking', features: ['100% cacao', 'from Davao farms', 'for champorado and hot chocolate'], keywords: ['tablea', 'cacao tablets'] },
  { productId: 'p-rattan-lamp', name: 'Rattan Pendant Lamp Shade', category: 'Home Decor', features: ['hand-woven rattan', '40 cm diameter', 'fits E27 sockets'], keywords: ['rattan lamp', 'boho lighting'] },
  { productId: 'p-kids-tee', name: 'Organic Cotton Kids T-Shirt', category: 'Kids\' Clothing', features: ['GOTS organic cotton', 'tagless neck', 'ages 2 to 10'], keywords: ['kids shirt', 'organic cotton'] },
  { productId: 'p-yoga-mat', name: 'Natural Rubber Yoga Mat 5mm', category: 'Fitness', features: ['non-slip natural rubber', 'alignment lines', 'carry strap included'], keywords: ['yoga mat', 'non-slip mat'] },
  { productId: 'p-usb-charger', name: '65W GaN USB-C Charger', category: 'Electronics', features: ['two USB-C and one USB-A port', 'foldable plug', 'charges laptops'], keywords: ['gan charger', 'usb-c charger'] },
  { productId: 'p-calamansi', name: 'Calamansi Juice Concentrate 1L', category: 'Beverages', features: ['no added sugar', 'makes 10 litres', 'refrigerate after opening'], keywords: ['calamansi juice', 'philippine lime'] },
];
