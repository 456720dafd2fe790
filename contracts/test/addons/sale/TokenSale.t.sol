// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {AddonTestERC20} from "../mocks/AddonTestERC20.sol";
import {ReentrantERC20} from "../mocks/ReentrantERC20.sol";
import {TokenSale} from "../../../src/addons/sale/TokenSale.sol";
import {TokenSaleFactory} from "../../../src/addons/sale/TokenSaleFactory.sol";
import {AssetCompliance} from "../../../src/addons/common/AssetCompliance.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract TokenSaleTest is AddonFixture {
    TokenSaleFactory internal factory;
    AddonTestERC20 internal eurc;
    uint256 internal t0;

    uint256 internal constant HARD = 1_000e6;
    uint256 internal constant SOFT = 200e6;
    uint256 internal constant USDC_PRICE = 100e6; // 100 USDC per token
    uint256 internal constant EURC_PRICE = 90e6;

    function setUp() public override {
        super.setUp();
        factory = new TokenSaleFactory();
        eurc = new AddonTestERC20("Euro Coin", "EURC", 6);
        t0 = block.timestamp;
        address[4] memory buyers = [alice, bob, carol, mallory];
        for (uint256 i; i < 4; ++i) {
            usdc.mint(buyers[i], 1_000_000_000e6);
            eurc.mint(buyers[i], 1_000_000_000e6);
        }
    }

    function _config(uint256 soft, uint256 lockCliff, uint256 lockDuration) internal view returns (TokenSale.Config memory) {
        return TokenSale.Config({
            token: address(token),
            hardCap: HARD,
            softCap: soft,
            presaleStart: t0 + 1 days,
            publicStart: t0 + 2 days,
            end: t0 + 10 days,
            minPerInvestor: 1e6,
            maxPerInvestor: 500e6,
            presaleDiscountBps: 1_000,
            presaleWhitelistOnly: true,
            lockCliff: lockCliff,
            lockDuration: lockDuration
        });
    }

    function _sale(uint256 soft, uint256 lockCliff, uint256 lockDuration) internal returns (TokenSale s) {
        vm.prank(issuer);
        s = factory.create(_config(soft, lockCliff, lockDuration));
        registry.register(address(s), US);
        token.mint(address(s), HARD);
        vm.startPrank(issuer);
        s.setCurrency(address(usdc), USDC_PRICE);
        s.setCurrency(address(eurc), EURC_PRICE);
        address[] memory wl = new address[](1);
        wl[0] = alice;
        s.setWhitelisted(wl, true);
        s.activate();
        vm.stopPrank();
    }

    function _buy(TokenSale s, address who, AddonTestERC20 cur, uint256 amount) internal returns (uint256 cost) {
        vm.startPrank(who);
        cur.approve(address(s), type(uint256).max);
        cost = s.buy(address(cur), amount);
        vm.stopPrank();
    }

    // ------------------------------------------------------------ setup / states

    function test_states_followChainTime() public {
        vm.prank(issuer);
        TokenSale s = factory.create(_config(0, 0, 0));
        assertTrue(factory.isSale(address(s)));
        assertEq(uint256(s.state()), uint256(TokenSale.State.Setup));
        registry.register(address(s), US);
        token.mint(address(s), HARD);
        vm.startPrank(issuer);
        s.setCurrency(address(usdc), USDC_PRICE);
        s.activate();
        vm.stopPrank();
        assertEq(uint256(s.state()), uint256(TokenSale.State.Setup));
        vm.warp(t0 + 1 days);
        assertEq(uint256(s.state()), uint256(TokenSale.State.Presale));
        vm.warp(t0 + 2 days);
        assertEq(uint256(s.state()), uint256(TokenSale.State.PublicSale));
        vm.warp(t0 + 10 days);
        assertEq(uint256(s.state()), uint256(TokenSale.State.Ended));
        vm.prank(issuer);
        s.finalize();
        assertEq(uint256(s.state()), uint256(TokenSale.State.Finalized));
    }

    function test_activate_requiresFullHardCap() public {
        vm.prank(issuer);
        TokenSale s = factory.create(_config(0, 0, 0));
        registry.register(address(s), US);
        token.mint(address(s), HARD - 1);
        vm.startPrank(issuer);
        s.setCurrency(address(usdc), USDC_PRICE);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.NotActivatable.selector, HARD - 1, HARD));
        s.activate();
        vm.stopPrank();
    }

    function test_activate_requiresCurrency_andOwner() public {
        vm.prank(issuer);
        TokenSale s = factory.create(_config(0, 0, 0));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        s.activate();
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.CurrencyNotAccepted.selector, address(0)));
        s.activate();
    }

    function test_setupLockedAfterActivation() public {
        TokenSale s = _sale(0, 0, 0);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.WrongState.selector, TokenSale.State.Setup));
        s.setCurrency(address(usdc), 1);
    }

    function test_invalidConfig() public {
        TokenSale.Config memory c = _config(0, 0, 0);
        c.softCap = HARD + 1;
        vm.expectRevert(TokenSale.InvalidConfig.selector);
        factory.create(c);
        c = _config(0, 0, 0);
        c.publicStart = c.end;
        vm.expectRevert(TokenSale.InvalidConfig.selector);
        factory.create(c);
        c = _config(0, 0, 0);
        c.minPerInvestor = c.maxPerInvestor + 1;
        vm.expectRevert(TokenSale.InvalidConfig.selector);
        factory.create(c);
        c = _config(0, 10, 5);
        vm.expectRevert(TokenSale.InvalidConfig.selector);
        factory.create(c);
    }

    // ------------------------------------------------------------ buying

    function test_buy_beforeStartReverts() public {
        TokenSale s = _sale(0, 0, 0);
        vm.startPrank(alice);
        usdc.approve(address(s), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.WrongState.selector, TokenSale.State.Setup));
        s.buy(address(usdc), 1e6);
        vm.stopPrank();
    }

    function test_presale_whitelistAndDiscount() public {
        TokenSale s = _sale(0, 0, 0);
        vm.warp(t0 + 1 days);
        uint256 cost = _buy(s, alice, usdc, 10e6);
        assertEq(cost, 900e6); // 10 tokens × 100 USDC − 10 %
        assertEq(token.balanceOf(alice), 10e6);
        vm.startPrank(bob);
        usdc.approve(address(s), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.NotWhitelisted.selector, bob));
        s.buy(address(usdc), 10e6);
        vm.stopPrank();
    }

    function test_presale_openToAllWhenNotWhitelistOnly() public {
        TokenSale.Config memory c = _config(0, 0, 0);
        c.presaleWhitelistOnly = false;
        vm.prank(issuer);
        TokenSale s = factory.create(c);
        registry.register(address(s), US);
        token.mint(address(s), HARD);
        vm.startPrank(issuer);
        s.setCurrency(address(usdc), USDC_PRICE);
        s.activate();
        vm.stopPrank();
        vm.warp(t0 + 1 days);
        assertEq(_buy(s, bob, usdc, 10e6), 900e6);
    }

    function test_public_fullPriceInTwoCurrencies() public {
        TokenSale s = _sale(0, 0, 0);
        vm.warp(t0 + 2 days);
        assertEq(_buy(s, bob, usdc, 10e6), 1_000e6);
        assertEq(_buy(s, bob, eurc, 10e6), 900e6);
        assertEq(token.balanceOf(bob), 20e6);
        assertEq(s.raised(address(usdc)), 1_000e6);
        assertEq(s.raised(address(eurc)), 900e6);
        assertEq(s.sold(), 20e6);
    }

    function test_buy_roundsCostUp() public {
        TokenSale s = _sale(0, 0, 0);
        t0 = block.timestamp + 2 days; // a second sale, created later, starts later
        vm.warp(t0);
        // min per investor is 1 token; buy 1 token + 1 base unit: 100e6 + 100 units
        assertEq(_buy(s, bob, usdc, 1e6 + 1), 100e6 + 100);
        assertEq(s.quote(address(usdc), 1), 100);
        vm.prank(issuer);
        TokenSale s2 = factory.create(_config(0, 0, 0));
        vm.prank(issuer);
        s2.setCurrency(address(usdc), 3); // 3 units per token: 1 base unit costs 3e-6, rounds up to 1
        assertEq(s2.quote(address(usdc), 1), 1);
    }

    function test_buy_unknownCurrencyReverts() public {
        TokenSale s = _sale(0, 0, 0);
        vm.warp(t0 + 2 days);
        AddonTestERC20 other = new AddonTestERC20("X", "X", 6);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.CurrencyNotAccepted.selector, address(other)));
        s.buy(address(other), 1e6);
    }

    function test_buy_minMax() public {
        TokenSale s = _sale(0, 0, 0);
        vm.warp(t0 + 2 days);
        vm.startPrank(bob);
        usdc.approve(address(s), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.BelowMinimum.selector, 1e6 - 1, 1e6));
        s.buy(address(usdc), 1e6 - 1);
        s.buy(address(usdc), 400e6);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.AboveMaximum.selector, 501e6, 500e6));
        s.buy(address(usdc), 101e6);
        vm.expectRevert(TokenSale.ZeroAmount.selector);
        s.buy(address(usdc), 0);
        vm.stopPrank();
    }

    function test_buy_overHardCap_thenSoldOutEnds() public {
        TokenSale s = _sale(0, 0, 0);
        vm.warp(t0 + 2 days);
        _buy(s, alice, usdc, 500e6);
        _buy(s, bob, usdc, 400e6);
        vm.startPrank(carol);
        usdc.approve(address(s), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.HardCapExceeded.selector, 101e6, 100e6));
        s.buy(address(usdc), 101e6);
        s.buy(address(usdc), 100e6);
        vm.stopPrank();
        assertEq(uint256(s.state()), uint256(TokenSale.State.Ended));
    }

    function test_buy_notVerifiedBuyer_nothingTaken() public {
        TokenSale s = _sale(0, 0, 0);
        vm.warp(t0 + 2 days);
        uint256 before = usdc.balanceOf(mallory);
        vm.startPrank(mallory);
        usdc.approve(address(s), type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(AssetCompliance.MovementNotAllowed.selector, address(token), address(s), mallory, 1e6)
        );
        s.buy(address(usdc), 1e6);
        vm.stopPrank();
        assertEq(usdc.balanceOf(mallory), before);
    }

    function test_buy_afterEndReverts() public {
        TokenSale s = _sale(0, 0, 0);
        vm.warp(t0 + 10 days);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.WrongState.selector, TokenSale.State.Ended));
        s.buy(address(usdc), 1e6);
    }

    function test_pause_blocksBuying() public {
        TokenSale s = _sale(0, 0, 0);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.WrongState.selector, TokenSale.State.Setup));
        s.pause();
        vm.warp(t0 + 2 days);
        vm.prank(issuer);
        s.pause();
        vm.startPrank(bob);
        usdc.approve(address(s), type(uint256).max);
        vm.expectRevert(TokenSale.SalePaused.selector);
        s.buy(address(usdc), 1e6);
        vm.stopPrank();
        vm.prank(issuer);
        s.unpause();
        _buy(s, bob, usdc, 1e6);
        vm.prank(issuer);
        vm.expectRevert(TokenSale.NotPaused.selector);
        s.unpause();
    }

    // ------------------------------------------------------------ soft cap, refunds, finalize

    function test_softCapReached_deferredDeliveryAndProceeds() public {
        TokenSale s = _sale(SOFT, 0, 0);
        vm.warp(t0 + 2 days);
        _buy(s, bob, usdc, 150e6);
        _buy(s, carol, eurc, 100e6);
        assertEq(token.balanceOf(bob), 0);
        vm.prank(bob);
        vm.expectRevert(TokenSale.NothingToWithdraw.selector);
        s.withdrawTokens();
        vm.warp(t0 + 10 days);
        vm.prank(bob);
        s.withdrawTokens();
        assertEq(token.balanceOf(bob), 150e6);
        vm.prank(bob);
        vm.expectRevert(TokenSale.SoftCapReached.selector);
        s.refund(address(usdc));
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.WrongState.selector, TokenSale.State.Ended));
        s.withdrawProceeds(address(usdc), issuer);
        vm.startPrank(issuer);
        s.finalize();
        s.withdrawProceeds(address(usdc), issuer);
        s.withdrawProceeds(address(eurc), issuer);
        s.withdrawUnsold(issuer);
        vm.expectRevert(TokenSale.NothingToWithdraw.selector);
        s.withdrawProceeds(address(usdc), issuer);
        vm.stopPrank();
        assertEq(usdc.balanceOf(issuer), 15_000e6);
        assertEq(eurc.balanceOf(issuer), 9_000e6);
        assertEq(token.balanceOf(issuer), HARD - 250e6);
        // carol's tokens are still owed after unsold withdrawal
        vm.prank(carol);
        s.withdrawTokens();
        assertEq(token.balanceOf(carol), 100e6);
    }

    function test_softCapMissed_refundsPerCurrency_blacklistIsolated() public {
        TokenSale s = _sale(SOFT, 0, 0);
        vm.warp(t0 + 2 days);
        uint256 paidUsdc = _buy(s, bob, usdc, 50e6);
        uint256 paidEurc = _buy(s, bob, eurc, 50e6);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.WrongState.selector, TokenSale.State.PublicSale));
        s.refund(address(usdc));
        vm.warp(t0 + 10 days);
        usdc.setBlacklisted(bob, true); // USDC refund is blocked for bob...
        vm.prank(bob);
        vm.expectRevert();
        s.refund(address(usdc));
        uint256 before = eurc.balanceOf(bob);
        vm.prank(bob);
        s.refund(address(eurc)); // ...but not his EURC refund
        assertEq(eurc.balanceOf(bob) - before, paidEurc);
        usdc.setBlacklisted(bob, false);
        vm.prank(bob);
        s.refund(address(usdc));
        assertEq(s.refunded(address(usdc)), paidUsdc);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.NothingToRefund.selector, bob, address(usdc)));
        s.refund(address(usdc));
        vm.prank(bob);
        vm.expectRevert(TokenSale.NothingToWithdraw.selector);
        s.withdrawTokens();
        vm.startPrank(issuer);
        s.finalize();
        vm.expectRevert(TokenSale.SoftCapMissed.selector);
        s.withdrawProceeds(address(usdc), issuer);
        s.withdrawUnsold(issuer);
        vm.stopPrank();
        assertEq(token.balanceOf(issuer), HARD);
    }

    function test_lockup_cliffThenLinear() public {
        TokenSale s = _sale(0, 30 days, 100 days);
        assertFalse(s.deliversAtPurchase());
        vm.warp(t0 + 2 days);
        _buy(s, bob, usdc, 100e6);
        vm.warp(t0 + 10 days + 30 days - 1);
        assertEq(s.releasable(bob), 0);
        vm.warp(t0 + 10 days + 50 days);
        assertEq(s.releasable(bob), 50e6);
        vm.prank(bob);
        s.withdrawTokens();
        vm.warp(t0 + 10 days + 200 days);
        vm.prank(bob);
        s.withdrawTokens();
        assertEq(token.balanceOf(bob), 100e6);
        vm.prank(bob);
        vm.expectRevert(TokenSale.NothingToWithdraw.selector);
        s.withdrawTokens();
    }

    function test_finalize_onlyWhenEnded() public {
        TokenSale s = _sale(0, 0, 0);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.WrongState.selector, TokenSale.State.Setup));
        s.finalize();
        vm.warp(t0 + 10 days);
        vm.prank(issuer);
        s.finalize();
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(TokenSale.WrongState.selector, TokenSale.State.Finalized));
        s.finalize();
    }

    function test_reentrancy_maliciousCurrencyCannotDoubleRefund() public {
        ReentrantERC20 evil = new ReentrantERC20();
        vm.prank(issuer);
        TokenSale s = factory.create(_config(SOFT, 0, 0));
        registry.register(address(s), US);
        token.mint(address(s), HARD);
        vm.startPrank(issuer);
        s.setCurrency(address(evil), USDC_PRICE);
        s.activate();
        vm.stopPrank();
        // the malicious currency is the buyer itself: a contract buying and refunding
        evil.mint(address(this), 1_000_000e6);
        registry.register(address(this), US);
        evil.approve(address(s), type(uint256).max);
        vm.warp(t0 + 2 days);
        s.buy(address(evil), 10e6);
        vm.warp(t0 + 10 days);
        evil.arm(address(s), abi.encodeCall(TokenSale.refund, (address(evil))));
        s.refund(address(evil));
        assertFalse(evil.lastCallSucceeded());
        assertEq(evil.balanceOf(address(s)), 0);
        assertEq(evil.balanceOf(address(this)), 1_000_000e6);
    }

    function testFuzz_costMatchesPrice(uint256 amount, uint256 price, bool presale) public {
        amount = bound(amount, 1e6, 500e6);
        price = bound(price, 1, 1e12);
        vm.prank(issuer);
        TokenSale s = factory.create(_config(0, 0, 0));
        registry.register(address(s), US);
        token.mint(address(s), HARD);
        vm.startPrank(issuer);
        s.setCurrency(address(usdc), price);
        address[] memory wl = new address[](1);
        wl[0] = bob;
        s.setWhitelisted(wl, true);
        s.activate();
        vm.stopPrank();
        vm.warp(presale ? t0 + 1 days : t0 + 2 days);
        uint256 before = usdc.balanceOf(bob);
        uint256 cost = _buy(s, bob, usdc, amount);
        uint256 exact = amount * price * (presale ? 9_000 : 10_000);
        assertGe(cost * 1e6 * 10_000, exact);
        assertLt(cost * 1e6 * 10_000, exact + 1e6 * 10_000);
        assertEq(before - usdc.balanceOf(bob), cost);
        assertEq(token.balanceOf(bob), amount);
    }
}
