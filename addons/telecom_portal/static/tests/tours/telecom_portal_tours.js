/** @odoo-module **/
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// The last step of a tour that ends on a page with a chatter: the tour must not end
// (and the browser close) while the chatter still loads its messages.
const chatterLoaded = () => ({
    content: "The page's chatter is loaded",
    trigger: "#chatterRoot:shadow .o-mail-Chatter",
    run: async () => {
        await odoo.portalChatterReady;
    },
});

// A customer logs in and finds her services on the portal home.
tours.add("telecom_portal_login_tour", {
    url: "/web/login",
    steps: () => [
        {
            content: "Type the login",
            trigger: "input[name=login]",
            run: "edit tp_alice",
        },
        {
            content: "Type the password",
            trigger: "input[name=password]",
            run: "edit tp_alice",
        },
        {
            content: "Log in",
            trigger: "button[type=submit]",
            run: "click",
        },
        {
            content: "The home page counts the services",
            trigger: ".o_portal_my_home [data-placeholder_count=telecom_service_count]:contains(2)",
        },
        {
            content: "Open the services",
            trigger: "a[href='/my/subscriptions']",
            run: "click",
        },
        {
            content: "The mobile line is listed",
            trigger: ".o_telecom_service_row:contains(+32470000001)",
        },
        {
            content: "Open it",
            trigger: ".o_telecom_service_row a:contains(+32470000001)",
            run: "click",
        },
        {
            content: "Its plan and what it includes",
            trigger: ".o_telecom_allowances .o_telecom_allowance:contains(Data)",
        },
    ],
});

// A customer changes plan after looking at the price preview.
tours.add("telecom_portal_change_plan_tour", {
    url: "/my/subscriptions",
    steps: () => [
        {
            content: "Open the mobile line",
            trigger: ".o_telecom_service_row a:contains(+32470000001)",
            run: "click",
        },
        {
            content: "Change plan",
            trigger: "a.o_telecom_change_plan",
            run: "click",
        },
        {
            content: "Choose Mobile M",
            trigger: "label:has(.o_telecom_plan_name:contains(Mobile M)) input[name=plan_id]",
            run: "click",
        },
        {
            content: "See the price",
            trigger: "button.o_telecom_preview_button",
            run: "click",
        },
        {
            content: "The preview shows the new plan",
            trigger: ".o_telecom_preview .o_telecom_new_plan:contains(Mobile M)",
        },
        {
            content: "and the difference per period",
            trigger: ".o_telecom_preview .o_telecom_difference:contains(10.00)",
        },
        {
            content: "and what this period costs, prorated",
            trigger: ".o_telecom_preview .o_telecom_proration .o_telecom_prorated_amount",
        },
        {
            content: "Confirm",
            trigger: "button.o_telecom_confirm_plan",
            run: "click",
        },
        {
            content: "The change is ordered",
            trigger: ".o_telecom_message",
        },
        {
            content: "The service is on the new plan",
            trigger: ".o_telecom_plan:contains(Mobile M)",
        },
    ],
});

// A customer opens a ticket about one of her services.
tours.add("telecom_portal_ticket_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the tickets",
            trigger: "a[href='/my/tickets']",
            run: "click",
        },
        {
            content: "New ticket",
            trigger: "form[action='/my/tickets/new'] button",
            run: "click",
        },
        {
            content: "What it is about: a fault",
            trigger: "select[name=type_id]",
            run: "selectByLabel Fault",
        },
        {
            content: "Service",
            trigger: "select[name=subscription_id]",
            run: "selectByLabel +32470000001",
        },
        {
            content: "Subject",
            trigger: "input[name=subject]",
            run: "edit No data since this morning",
        },
        {
            content: "Description",
            trigger: "textarea[name=description]",
            run: "edit The phone shows no 4G at the office.",
        },
        {
            content: "Send",
            trigger: "button.o_telecom_submit_ticket",
            run: "click",
        },
        {
            content: "The ticket page",
            trigger: ".o_portal_helpdesk_sidebar, #discussion",
        },
        {
            content: "with the subject",
            trigger: "body:contains(No data since this morning)",
        },
        chatterLoaded(),
    ],
});

// A customer pays an invoice with the demo payment provider.
tours.add("telecom_portal_pay_invoice_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the invoices",
            trigger: "a[href='/my/invoices?filterby=invoices']",
            run: "click",
        },
        {
            content: "Open the invoice to pay",
            trigger: ".o_portal_my_doc_table tbody tr a",
            run: "click",
        },
        {
            content: "The bill's usage detail can be downloaded",
            trigger: ".o_telecom_invoice_usage a.o_telecom_usage_xlsx",
        },
        {
            content: "Pay now",
            trigger: "a[data-bs-target='#pay_with']:visible",
            run: "click",
        },
        {
            content: "Choose the demo provider",
            trigger: "input[name=o_payment_radio][data-payment-method-code=demo]",
            run: "click",
        },
        {
            content: "A card number",
            trigger: "input[name=customer_input]",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "button[name=o_payment_submit_button]:visible:not(:disabled)",
            run: "click",
        },
        {
            content: "Back on the invoice, paid",
            trigger: ".badge.text-bg-success:contains(Paid)",
            timeout: 30000,
        },
        chatterLoaded(),
    ],
});

// An agent registers nothing but orders a line for an existing customer.
tours.add("telecom_portal_agent_order_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the customers",
            trigger: "a[href='/my/agent/customers']",
            run: "click",
        },
        {
            content: "Open Carla",
            trigger: ".o_telecom_agent_customer_row a:contains(Carla Client)",
            run: "click",
        },
        {
            content: "New service",
            trigger: "a.o_telecom_agent_new_order",
            run: "click",
        },
        {
            content: "Plan",
            trigger: "select[name=plan_id]",
            run: "selectByLabel Mobile L",
        },
        {
            content: "An add-on",
            trigger: ".form-check:contains(Data Boost) input[name=addon_ids]",
            run: "click",
        },
        {
            content: "Her number",
            trigger: "input[name=phone_number]",
            run: "edit +32470555666",
        },
        {
            content: "Order",
            trigger: "button.o_telecom_agent_place_order",
            run: "click",
        },
        {
            content: "Ordered",
            trigger: ".o_telecom_message",
        },
        {
            content: "The new line is among her services",
            trigger: ".o_telecom_agent_service:contains(+32470555666)",
        },
        {
            content: "and the order among her orders",
            trigger: ".o_telecom_agent_order_row:contains(New service)",
        },
    ],
});

// A customer reads this period's usage, filters it, and checks her allowances.
tours.add("telecom_portal_usage_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the usage",
            trigger: "a[href='/my/usage']",
            run: "click",
        },
        {
            content: "Totals by type",
            trigger: ".o_telecom_usage_summary .card:contains(Voice)",
        },
        {
            content: "and the records",
            trigger: ".o_telecom_usage_row:contains(Data)",
        },
        {
            content: "Only the messages",
            trigger: "select[name=type]",
            run: "select sms",
        },
        {
            content: "Show",
            trigger: "button.o_telecom_usage_apply",
            run: "click",
        },
        {
            content: "Messages only",
            trigger: ".o_portal_my_doc_table:not(:has(.o_telecom_usage_row:contains(Voice))) .o_telecom_usage_row:contains(SMS)",
        },
        {
            content: "Back home",
            trigger: "a[href='/my/home']",
            run: "click",
        },
        {
            content: "Open the services",
            trigger: "a[href='/my/subscriptions']",
            run: "click",
        },
        {
            content: "Open the first line",
            trigger: ".o_telecom_service_row a:contains(+32470000001)",
            run: "click",
        },
        {
            content: "The voice allowance is used up",
            trigger: ".o_telecom_allowance:contains(Voice) .o_telecom_remaining:contains(0 s left)",
        },
        {
            content: "The data pool is shared by the account",
            trigger: ".o_telecom_allowance:contains(Data) .o_telecom_shared",
        },
    ],
});
