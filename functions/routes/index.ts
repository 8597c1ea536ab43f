/**
 * Every route definition, for lib/ (wiring, OpenAPI) and the tests. No handler imports this file: each
 * imports its own route module, so its bundle carries only its own schemas.
 */
import adminAdjust from './admin-adjust.ts';
import adminCreditsGet from './admin-credits-get.ts';
import adminGrantsCreate from './admin-grants-create.ts';
import adminUsageGet from './admin-usage-get.ts';
import autoTopUpGet from './auto-top-up-get.ts';
import autoTopUpPut from './auto-top-up-put.ts';
import blogPostsCancel from './blog-posts-cancel.ts';
import brandVoiceGet from './brand-voice-get.ts';
import brandVoicePut from './brand-voice-put.ts';
import blogPostsCreate from './blog-posts-create.ts';
import blogPostsGet from './blog-posts-get.ts';
import blogPostsList from './blog-posts-list.ts';
import catalogGet from './catalog-get.ts';
import creditsGet from './credits-get.ts';
import generationJobsCancel from './generation-jobs-cancel.ts';
import generationJobsCreate from './generation-jobs-create.ts';
import generationJobsGet from './generation-jobs-get.ts';
import generationJobsItems from './generation-jobs-items.ts';
import generationJobsList from './generation-jobs-list.ts';
import generationsCreate from './generations-create.ts';
import generationsGet from './generations-get.ts';
import generationsList from './generations-list.ts';
import generationsRegenerate from './generations-regenerate.ts';
import generationsSelect from './generations-select.ts';
import ledgerGet from './ledger-get.ts';
import notificationsList from './notifications-list.ts';
import notificationsRead from './notifications-read.ts';
import planPreviewGet from './plan-preview-get.ts';
import productContentGet from './product-content-get.ts';
import productContentHistoryGet from './product-content-history-get.ts';
import productContentPut from './product-content-put.ts';
import productContentRestore from './product-content-restore.ts';
import productsList from './products-list.ts';
import topUpCreate from './top-up-create.ts';
import topUpPacksGet from './top-up-packs-get.ts';
import topUpsList from './top-ups-list.ts';
import uploadsCreate from './uploads-create.ts';
import usageGet from './usage-get.ts';
import webhookDeliveriesList from './webhook-deliveries-list.ts';
import webhookEndpointsCreate from './webhook-endpoints-create.ts';
import webhookEndpointsDelete from './webhook-endpoints-delete.ts';
import webhookEndpointsList from './webhook-endpoints-list.ts';
import webhookSubscriptions from './webhook-subscriptions.ts';
import type { RouteDefinition } from './route.ts';

export const ROUTES = {
  'admin-adjust': adminAdjust,
  'admin-credits-get': adminCreditsGet,
  'admin-grants-create': adminGrantsCreate,
  'admin-usage-get': adminUsageGet,
  'auto-top-up-get': autoTopUpGet,
  'auto-top-up-put': autoTopUpPut,
  'blog-posts-cancel': blogPostsCancel,
  'brand-voice-get': brandVoiceGet,
  'brand-voice-put': brandVoicePut,
  'blog-posts-create': blogPostsCreate,
  'blog-posts-get': blogPostsGet,
  'blog-posts-list': blogPostsList,
  'catalog-get': catalogGet,
  'credits-get': creditsGet,
  'generation-jobs-cancel': generationJobsCancel,
  'generation-jobs-create': generationJobsCreate,
  'generation-jobs-get': generationJobsGet,
  'generation-jobs-items': generationJobsItems,
  'generation-jobs-list': generationJobsList,
  'generations-create': generationsCreate,
  'generations-get': generationsGet,
  'generations-list': generationsList,
  'generations-regenerate': generationsRegenerate,
  'generations-select': generationsSelect,
  'ledger-get': ledgerGet,
  'notifications-list': notificationsList,
  'notifications-read': notificationsRead,
  'plan-preview-get': planPreviewGet,
  'product-content-get': productContentGet,
  'product-content-history-get': productContentHistoryGet,
  'product-content-put': productContentPut,
  'product-content-restore': productContentRestore,
  'products-list': productsList,
  'top-up-create': topUpCreate,
  'top-up-packs-get': topUpPacksGet,
  'top-ups-list': topUpsList,
  'uploads-create': uploadsCreate,
  'usage-get': usageGet,
  'webhook-deliveries-list': webhookDeliveriesList,
  'webhook-endpoints-create': webhookEndpointsCreate,
  'webhook-endpoints-delete': webhookEndpointsDelete,
  'webhook-endpoints-list': webhookEndpointsList,
  'webhook-subscriptions': webhookSubscriptions,
} satisfies Record<string, RouteDefinition>;

export type RoutedFunction = keyof typeof ROUTES;

// A route listed under another function's id would be served by the wrong handler.
for (const [fn, r] of Object.entries(ROUTES)) if (r.functionId !== fn) throw new Error(`functions/routes/index.ts: ${fn} lists the route of ${r.functionId}`);
