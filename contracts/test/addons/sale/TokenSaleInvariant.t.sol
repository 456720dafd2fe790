// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {Vm} from "../../utils/Vm.sol";
import {AddonTestERC20} from "../mocks/AddonTestERC20.sol";
import {TokenSale} from "../../../src/addons/sale/TokenSale.sol";

/// @notice Random buys in two currencies that (mostly) miss the soft cap, then refunds.
contract TokenSaleHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    TokenSale internal sale;
    address[] internal buyers;
    address[] internal currencies;
    mapping(address => mapping(address => uint256)) public paid;
    mapping(address => mapping(address => uint256)) public gotBack;

    constructor(TokenSale s, address[] memory b, address[] memory c) {
        sale = s;
        buyers = b;
        currencies = c;
    }

    function buy(uint8 who, uint8 cur, uint256 amount) external {
        address b = buyers[who % buyers.length];
        address c = currencies[cur % currencies.length];
        amount = 1e6 + amount % 60e6;
        vm.prank(b);
        try sale.buy(c, amount) returns (uint256 cost) {
            paid[b][c] += cost;
        } catch {}
    }

    function refund(uint8 who, uint8 cur) external {
        address b = buyers[who % buyers.length];
        address c = currencies[cur % currencies.length];
        vm.prank(b);
        try sale.refund(c) returns (uint256 amount) {
            gotBack[b][c] += amount;
        } catch {}
    }

    function warp(uint32 secs) external {
        vm.warp(block.timestamp + (secs % 3 days));
    }
}

contract TokenSaleInvariantTest is AddonFixture {
    TokenSale internal sale;
    TokenSaleHandler internal handler;
    AddonTestERC20 internal eurc;
    address[] internal buyers;
    address[] internal currencies;

    function setUp() public override {
        super.setUp();
        eurc = new AddonTestERC20("Euro Coin", "EURC", 6);
        sale = new TokenSale(
            TokenSale.Config({
                token: address(token),
                hardCap: 1_000e6,
                softCap: 900e6,
                presaleStart: block.timestamp,
                publicStart: block.timestamp,
                end: block.timestamp + 5 days,
                minPerInvestor: 1e6,
                maxPerInvestor: 300e6,
                presaleDiscountBps: 0,
                presaleWhitelistOnly: false,
                lockCliff: 0,
                lockDuration: 0
            }),
            admin
        );
        registry.register(address(sale), US);
        token.mint(address(sale), 1_000e6);
        sale.setCurrency(address(usdc), 100e6);
        sale.setCurrency(address(eurc), 90e6);
        sale.activate();
        buyers = [alice, bob, carol];
        currencies = [address(usdc), address(eurc)];
        for (uint256 i; i < buyers.length; ++i) {
            usdc.mint(buyers[i], 1e15);
            eurc.mint(buyers[i], 1e15);
            vm.prank(buyers[i]);
            usdc.approve(address(sale), type(uint256).max);
            vm.prank(buyers[i]);
            eurc.approve(address(sale), type(uint256).max);
        }
        handler = new TokenSaleHandler(sale, buyers, currencies);
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    /// Refunds never exceed payments, and the sale always holds what it still owes.
    function invariant_refundsBoundedByPayments() public view {
        for (uint256 c; c < currencies.length; ++c) {
            address cur = currencies[c];
            uint256 paidTotal;
            for (uint256 b; b < buyers.length; ++b) {
                assertLe(handler.gotBack(buyers[b], cur), handler.paid(buyers[b], cur));
                paidTotal += handler.paid(buyers[b], cur);
            }
            assertEq(sale.raised(cur), paidTotal);
            assertEq(AddonTestERC20(cur).balanceOf(address(sale)), paidTotal - sale.refunded(cur));
        }
    }

    /// Soft cap missed and sale over: after everybody pulls, refunds equal payments.
    function invariant_refundsEqualPaymentsWhenSoftCapMissed() public {
        vm.warp(block.timestamp + 6 days);
        if (sale.softCapReached()) return;
        for (uint256 b; b < buyers.length; ++b) {
            for (uint256 c; c < currencies.length; ++c) {
                if (sale.paidIn(buyers[b], currencies[c]) == 0) continue;
                vm.prank(buyers[b]);
                sale.refund(currencies[c]);
            }
        }
        for (uint256 c; c < currencies.length; ++c) {
            assertEq(sale.refunded(currencies[c]), sale.raised(currencies[c]));
            assertEq(AddonTestERC20(currencies[c]).balanceOf(address(sale)), 0);
        }
    }
}
