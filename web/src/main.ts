import { FEATURES, PLANS } from '../../functions/config.ts';
console.log(FEATURES.blog_post.cost, PLANS.plus.monthlyAllowance);
